import TransportStream from 'winston-transport';

const MESSAGE = Symbol.for('message');

/**
 * A winston transport that gathers the lines of one event-loop turn and writes them in one call.
 * stdout to a pipe or file is a synchronous write on Linux, so one syscall per request line was
 * the largest single cost on the proxy path; under load a turn now carries dozens of lines.
 * Lines are flushed at the end of the turn, at 64 KiB, and on process exit.
 */
export class BatchedTransport extends TransportStream {
  private buffer = '';
  private scheduled = false;
  private readonly out: NodeJS.WritableStream;
  private readonly flushNow = () => this.flush();

  constructor(options: TransportStream.TransportStreamOptions & { stream?: NodeJS.WritableStream } = {}) {
    super(options);
    this.out = options.stream ?? process.stdout;
    process.once('exit', this.flushNow);
  }

  override log(info: Record<string | symbol, unknown>, callback: () => void): void {
    this.append(String(info[MESSAGE]));
    callback();
  }

  /** Adds one finished line (without its newline) to this turn's batch. */
  append(line: string): void {
    this.buffer += `${line}\n`;
    if (this.buffer.length >= 65_536) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushNow);
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.buffer === '') return;
    const chunk = this.buffer;
    this.buffer = '';
    this.out.write(chunk);
  }

  override close(): void {
    this.flush();
    process.off('exit', this.flushNow);
  }
}
