// A reader of Server-Sent Events (text/event-stream) from a fetch body: `fetch` can send the
// Authorization header, which `EventSource` cannot. Follows the WHATWG parsing rules for the
// fields the server sends (event, data, id; comments and keep-alives ignored).

export interface SseEvent {
  event: string;
  data: string;
}

/** Splits a stream's text into events; keeps the unfinished tail for the next chunk. */
export class SseParser {
  private buffer = "";
  private event = "";
  private data: string[] = [];

  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const out: SseEvent[] = [];
    let nl: number;
    while ((nl = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, nl);
      const width = this.buffer.startsWith("\r\n", nl) ? 2 : 1;
      // a lone \r at the end of the buffer may be the first half of \r\n: wait for more
      if (this.buffer[nl] === "\r" && nl + 1 === this.buffer.length) break;
      this.buffer = this.buffer.slice(nl + width);
      if (line === "") {
        if (this.data.length) out.push({ event: this.event || "message", data: this.data.join("\n") });
        this.event = "";
        this.data = [];
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "event") this.event = value;
      else if (field === "data") this.data.push(value);
    }
    return out;
  }
}

/** Reads a response body as events, calling `onEvent` for each, until the stream ends. */
export async function readSse(body: ReadableStream<Uint8Array>, onEvent: (e: SseEvent) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    for (const e of parser.push(decoder.decode(value, { stream: true }))) onEvent(e);
  }
  for (const e of parser.push("\n\n")) onEvent(e);
}
