// A real SMTP server in the test process (smtp-server), keeping every message it accepts as
// mailparser reads it. It can refuse a recipient for good (550), or go down and come back up on
// the same port, to show what the portal does then.
import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface TestSmtp {
  url: string;
  messages: ParsedMail[];
  /** Recipients answered "550 mailbox unavailable". */
  refused: Set<string>;
  /** How long the server takes to accept a message (a slow server), in ms. */
  delayMs: number;
  /** Stops listening: connections are refused until up(). */
  down(): Promise<void>;
  up(): Promise<void>;
  /** Resolves when at least `count` messages have arrived; rejects after `timeoutMs`. */
  received(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

export async function testSmtp(): Promise<TestSmtp> {
  const messages: ParsedMail[] = [];
  const refused = new Set<string>();
  const make = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (refused.has(address.address.toLowerCase())) {
          const err = Object.assign(new Error("Mailbox unavailable"), { responseCode: 550 });
          return callback(err);
        }
        callback();
      },
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((mail) =>
            setTimeout(() => {
              messages.push(mail);
              callback();
            }, smtp.delayMs),
          )
          .catch(callback);
      },
    });
  let server = make();
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve((server.server.address() as AddressInfo).port));
    });
  const port = await listen(0);
  const closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));

  const smtp: TestSmtp = {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    refused,
    delayMs: 0,
    down: closeServer,
    async up() {
      server = make();
      await listen(port);
    },
    async received(count, timeoutMs = 45_000) {
      const until = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > until) throw new Error(`expected ${count} messages, the SMTP server has ${messages.length}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return messages;
    },
    close: closeServer,
  };
  return smtp;
}
