// A small round-robin load balancer on 127.0.0.1, as a reverse proxy in front of several bot
// instances: each request goes to the next instance; an instance that does not answer (killed)
// gets a 502, and the sender (the fake Telegram) delivers again, to the next one.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export class Forwarder {
  private next = 0;
  readonly counts: number[];
  private constructor(
    private readonly server: http.Server,
    readonly targets: number[],
  ) {
    this.counts = targets.map(() => 0);
  }

  static async start(targets: number[]): Promise<Forwarder> {
    // The handler runs only once a request comes in, after `self` is set.
    const server = http.createServer((req, res) => self.forward(req, res));
    const self = new Forwarder(server, targets);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    const index = this.next++ % this.targets.length;
    this.counts[index]!++;
    const upstream = http.request(
      { host: '127.0.0.1', port: this.targets[index], method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
