/**
 * A WebSocket client for tests inside workerd: connect through a Worker's fetch with the
 * plaza.v1 subprotocol and a ticket, then wait for frames by type.
 */

export type Frame = { type: string; [key: string]: unknown };

export class TestSocket {
  readonly frames: Frame[] = [];
  closed: { code: number; reason: string } | null = null;
  private waiters: { match: (frame: Frame) => boolean; resolve: (frame: Frame) => void }[] = [];
  private closeWaiters: ((closed: { code: number; reason: string }) => void)[] = [];
  /** Frames next() has handed out already (by index): each is handed out once. */
  private readonly taken = new Set<number>();

  constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (event) => {
      const frame = parseFrame(event.data);
      this.frames.push(frame);
      const waiter = this.waiters.find((w) => w.match(frame));
      if (waiter) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        this.taken.add(this.frames.length - 1);
        waiter.resolve(frame);
      }
    });
    ws.addEventListener("close", (event) => {
      this.closed = { code: event.code, reason: event.reason };
      for (const resolve of this.closeWaiters) resolve(this.closed);
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** The oldest frame of this type not handed out yet, waiting for one if there is none. */
  next<T extends Frame = Frame>(
    type: string,
    timeoutMs = 2000,
    where: (frame: T) => boolean = () => true,
  ): Promise<T> {
    const match = (frame: Frame) => frame.type === type && where(frame as T);
    const index = this.frames.findIndex((frame, i) => !this.taken.has(i) && match(frame));
    if (index >= 0) {
      this.taken.add(index);
      return Promise.resolve(this.frames[index] as T);
    }
    return new Promise<T>((resolve, reject) => {
      const waiter = {
        match,
        resolve: (frame: Frame) => {
          clearTimeout(timer);
          resolve(frame as T);
        },
      };
      // A waiter that timed out must not stay registered: it would swallow the next matching frame.
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no ${type} frame within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Resolves when the server closes the socket. */
  whenClosed(timeoutMs = 2000): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not closed within ${timeoutMs} ms`)), timeoutMs);
      this.closeWaiters.push((closed) => {
        clearTimeout(timer);
        resolve(closed);
      });
    });
  }

  close(): void {
    if (!this.closed) this.ws.close(1000, "test done");
  }
}

export interface Upgrade {
  response: Response;
  socket: TestSocket | null;
}

/** Opens a WebSocket through `target` at `path`, offering plaza.v1 and the ticket (if any). */
export async function openSocket(
  target: { fetch(request: Request): Promise<Response> },
  path: string,
  ticket: string | null,
  protocols = ["plaza.v1"],
): Promise<Upgrade> {
  const offered = ticket === null ? protocols : [...protocols, `ticket.${ticket}`];
  const response = await target.fetch(
    new Request(`https://plaza.test${path}`, {
      headers: { upgrade: "websocket", "sec-websocket-protocol": offered.join(", ") },
    }),
  );
  const ws = response.webSocket;
  if (!ws) return { response, socket: null };
  ws.accept();
  return { response, socket: new TestSocket(ws) };
}

/** JSON frames as they are; anything else (the runtime's "pong") as `{type: "text", data}`. */
function parseFrame(data: unknown): Frame {
  try {
    const value = JSON.parse(String(data)) as unknown;
    if (value !== null && typeof value === "object" && "type" in value) return value as Frame;
  } catch {
    // not JSON
  }
  return { type: "text", data: String(data) };
}
