// Set-password links are emailed when SMTP is configured: a minimal SMTP server on loopback
// receives what nodemailer really sends.
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { seed } from "../../src/db/seed.ts";
import { testApp } from "../helpers/app.ts";
import { testDatabase } from "../helpers/database.ts";
import { createPartners, signIn, submit } from "../helpers/partners.ts";

interface Mail {
  from: string;
  to: string[];
  data: string;
}

/** Speaks just enough SMTP (RFC 5321) to accept messages, and keeps them. */
function smtpServer(): Promise<{ server: Server; port: number; mails: Mail[] }> {
  const mails: Mail[] = [];
  const server = createServer((socket: Socket) => {
    let mail: Mail = { from: "", to: [], data: "" };
    let inData = false;
    let buffer = "";
    socket.write("220 localhost test SMTP\r\n");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      let end: number;
      while ((end = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            mails.push(mail);
            mail = { from: "", to: [], data: "" };
            socket.write("250 OK queued\r\n");
          } else mail.data += `${line.startsWith("..") ? line.slice(1) : line}\n`;
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "MAIL") mail.from = line;
        if (verb === "RCPT") mail.to.push(line);
        if (verb === "DATA") inData = true;
        const replies: Record<string, string> = { EHLO: "250 localhost", HELO: "250 localhost", DATA: "354 go ahead" };
        if (verb === "QUIT") socket.end("221 bye\r\n");
        else socket.write(`${replies[verb] ?? "250 OK"}\r\n`);
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.address() as AddressInfo).port, mails })),
  );
}

let db: Database;
let smtp: Awaited<ReturnType<typeof smtpServer>>;

beforeAll(async () => {
  db = await testDatabase();
  await seed(db.prisma, { production: true });
  smtp = await smtpServer();
});
afterAll(async () => {
  smtp.server.close();
  await db.close();
});

describe("set-password links by email", () => {
  it("are sent when SMTP is configured, and the emailed link works", async () => {
    const partners = await createPartners(db);
    const { app } = testApp(db, {
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}?ignoreTLS=true`,
      PUBLIC_BASE_URL: "https://rhins.example.org",
      MAIL_FROM: "RHINS portal <portal@rhins.example.org>",
    });
    const coordinator = await signIn(app, partners.coordinator.email);
    const res = await submit(coordinator, "/partners/accounts/new", {
      name: "Emailed Person",
      email: "emailed@partners.test",
      role: "VIEWER",
      agencyId: "",
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain("We have also emailed it to them.");
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.to.join()).toContain("emailed@partners.test");
    expect(mail.data).toContain("Subject: Set your RHINS portal password");
    const link = /https:\/\/rhins\.example\.org(\/partners\/set-password\/[A-Za-z0-9_-]+)/.exec(
      mail.data.replace(/=\n/g, ""),
    )![1]!;
    expect(res.text).toContain(link);
    const page = await coordinator.get(link);
    expect(page.status).toBe(200);
    expect(page.text).toContain("emailed@partners.test");
  });

  it("are only shown on screen when SMTP is not configured", async () => {
    const partners = await db.prisma.user.findFirstOrThrow({ where: { role: "COORDINATOR" } });
    const { app } = testApp(db);
    const coordinator = await signIn(app, partners.email);
    const before = smtp.mails.length;
    const res = await submit(coordinator, "/partners/accounts/new", {
      name: "Shown Person",
      email: "shown@partners.test",
      role: "VIEWER",
      agencyId: "",
    });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain("We have also emailed it to them.");
    expect(smtp.mails.length).toBe(before);
  });
});
