import { AppError } from "../../../lib/errors";

/** A request body opened for storing: its first bytes read, and the whole of it still to stream. */
export interface OpenedBody {
  /** The first bytes (the whole body when it is shorter than asked). */
  prefix: Uint8Array;
  /** The body again from its first byte, of exactly the declared length, as R2 needs. */
  stream: ReadableStream<Uint8Array>;
  /** Whether the client's body failed, or was longer or shorter than declared. */
  clientFault(): boolean;
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

const lengthMismatch = () =>
  new AppError("bad_request", "the body is not as long as its content-length says");

/**
 * Reads the first `prefixBytes` of a body of `length` declared bytes, and gives back a stream of
 * the whole body so nothing is buffered beyond the prefix (files are up to 100 MiB; a Worker has
 * 128 MB). If the client sends fewer or more bytes than it declared, the stream fails.
 */
export async function openBody(
  body: ReadableStream<Uint8Array> | null,
  length: number,
  prefixBytes: number,
): Promise<OpenedBody> {
  if (body === null) throw lengthMismatch();
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  let ended = false;
  let fault = false;
  const want = Math.min(prefixBytes, length);
  try {
    while (received < want) {
      const { done, value } = await reader.read();
      if (done) {
        ended = true;
        break;
      }
      chunks.push(value);
      received += value.byteLength;
    }
  } catch {
    // The client went away mid-body.
    throw lengthMismatch();
  }
  if (received > length || (ended && received < length)) throw lengthMismatch();
  const prefix = concat(chunks, received);

  const rest = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(prefix);
      if (ended) controller.close();
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          if (received !== length) fault = true;
          controller.close();
          return;
        }
        received += value.byteLength;
        if (received > length) {
          fault = true;
          controller.error(lengthMismatch());
          return;
        }
        controller.enqueue(value);
      } catch (error) {
        fault = true;
        controller.error(error);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { prefix, stream: rest.pipeThrough(new FixedLengthStream(length)), clientFault: () => fault };
}

/**
 * Runs a store of an opened body: when it fails because the client's bytes did not match what it
 * declared, that is the client's error (400), not ours.
 */
export async function storing<T>(body: OpenedBody, store: () => Promise<T>): Promise<T> {
  try {
    return await store();
  } catch (error) {
    if (body.clientFault()) throw lengthMismatch();
    throw error;
  }
}
