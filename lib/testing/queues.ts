/**
 * A Queue binding whose every call fails, as during a Queues outage: put it in place of a real
 * producer binding (`{ ...env, FEED_EVENTS: failingQueue() }`) to test what a producer does when it
 * cannot send. It counts the attempts, so a test can tell a send was tried.
 */
export function failingQueue(): Queue & { attempts: number } {
  const queue = {
    attempts: 0,
    async send(): Promise<QueueSendResponse> {
      queue.attempts += 1;
      throw new Error("queue unavailable (test)");
    },
    async sendBatch(): Promise<QueueSendBatchResponse> {
      queue.attempts += 1;
      throw new Error("queue unavailable (test)");
    },
    async metrics(): Promise<QueueMetrics> {
      throw new Error("queue unavailable (test)");
    },
  };
  return queue;
}
