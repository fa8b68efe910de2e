// A TCP proxy between the portal and Postgres, to make the database go away without touching
// the shared server. Closed by cleanUp() (server-process.ts).
import net from "node:net";
import { onCleanUp } from "./server-process.ts";

export type ProxyState = "open" | "refusing" | "silent";

interface Trigger {
  direction: "to-server" | "to-client";
  match: Buffer;
  fire: () => void;
}

/**
 * A TCP proxy between the portal and Postgres, to take the database away without touching the
 * shared server: `cut()` resets every connection and refuses new ones (the server died),
 * `silence()` stops passing bytes and leaves connections hanging (the network went quiet), and
 * `cutOn()` cuts at an exact point of the conversation, e.g. just before a statement reaches the
 * server or just after the server has committed.
 */
export class TcpProxy {
  private readonly server: net.Server;
  private readonly pairs = new Set<{ client: net.Socket; upstream?: net.Socket }>();
  private trigger: Trigger | undefined;
  state: ProxyState = "open";
  port = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {
    this.server = net.createServer((client) => this.accept(client));
  }

  static async start(target: string): Promise<TcpProxy> {
    const url = new URL(target);
    const proxy = new TcpProxy(url.hostname, Number(url.port || 5432));
    await new Promise<void>((resolve) => proxy.server.listen(0, "127.0.0.1", resolve));
    proxy.port = (proxy.server.address() as net.AddressInfo).port;
    onCleanUp(() => proxy.close());
    return proxy;
  }

  private accept(client: net.Socket) {
    client.on("error", () => {});
    if (this.state === "refusing") return void client.resetAndDestroy();
    const pair: { client: net.Socket; upstream?: net.Socket } = { client };
    this.pairs.add(pair);
    client.once("close", () => {
      this.pairs.delete(pair);
      pair.upstream?.destroy();
    });
    if (this.state === "silent") return; // accepted, never answered
    const upstream = net.connect(this.targetPort, this.targetHost);
    pair.upstream = upstream;
    upstream.on("error", () => {});
    upstream.once("close", () => client.destroy());
    const forward = (direction: Trigger["direction"], to: net.Socket) => (chunk: Buffer) => {
      if (this.state !== "open") return;
      const trigger = this.trigger;
      if (trigger?.direction === direction && chunk.includes(trigger.match)) {
        this.trigger = undefined;
        this.cut();
        trigger.fire();
        return;
      }
      to.write(chunk);
    };
    client.on("data", forward("to-server", upstream));
    upstream.on("data", forward("to-client", client));
  }

  /** Resets every connection and refuses new ones, as when the database server dies. */
  cut(): void {
    this.state = "refusing";
    for (const { client, upstream } of this.pairs) {
      client.resetAndDestroy();
      upstream?.destroy();
    }
    this.pairs.clear();
  }

  /**
   * Cuts (as `cut()`) the moment `match` passes in `direction`, without passing that chunk on:
   * "to-server" stops a statement reaching the database, "to-client" loses the database's answer.
   * Resolves when it has happened.
   */
  cutOn(direction: Trigger["direction"], match: string): Promise<void> {
    return new Promise((resolve) => {
      this.trigger = { direction, match: Buffer.from(match), fire: resolve };
    });
  }

  /** Passes no more bytes either way and answers no new connection: a network black hole. */
  silence(): void {
    this.state = "silent";
  }

  /** Lets new connections through again (connections cut or silenced stay dead). */
  restore(): void {
    if (this.state === "silent") {
      for (const { client, upstream } of this.pairs) {
        client.resetAndDestroy();
        upstream?.destroy();
      }
      this.pairs.clear();
    }
    this.trigger = undefined;
    this.state = "open";
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
