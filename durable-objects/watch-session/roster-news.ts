import { presenceDelayMs, WATCH_LIMITS } from "./limits";

/** News whose time was lost with the last eviction (if any): told at the next alarm. */
const DUE_SINCE_WAKE = 0;

/**
 * When a watch session next tells everyone who is here. Joins and departures are not broadcast one
 * by one: the alarm sends one `presence` frame for a burst of them, presenceDelayMs() after the
 * first change, and writes the sessions index once (docs/decisions.md, entry 9). Broadcasting the
 * whole list on every join cost O(N^2) bytes: 15.6 s to fill a room of 500. Kept in memory: after
 * a wake the time is unknown, so news starts pending and the next alarm tells it once.
 */
export class RosterNews {
  #due: number | null = DUE_SINCE_WAKE;

  constructor(private readonly ctx: DurableObjectState) {}

  /** Someone joined or left: makes sure an alarm comes soon enough to tell the others. */
  async changed(now: number): Promise<void> {
    if (this.#due !== null && this.#due !== DUE_SINCE_WAKE) return;
    this.#due = now + presenceDelayMs(this.ctx.getWebSockets().length);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > this.#due) await this.ctx.storage.setAlarm(this.#due);
  }

  /**
   * At the alarm: runs `tell` when news is due (if it throws, the news stays pending for the
   * runtime's retry of the alarm), then sets the next alarm: news that came meanwhile, else the
   * idle sweep while anyone is connected.
   */
  async atAlarm(now: number, tell: () => Promise<void>): Promise<void> {
    if (this.#due !== null) {
      this.#due = null;
      try {
        await tell();
      } catch (error) {
        this.#due ??= DUE_SINCE_WAKE;
        throw error;
      }
    }
    const next = this.#due ?? (this.ctx.getWebSockets().length > 0 ? now + WATCH_LIMITS.sweepEveryMs : null);
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }
}
