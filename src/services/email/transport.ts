// The one way out for email: nodemailer over SMTP_URL, from MAIL_FROM.
import nodemailer from "nodemailer";
import type { RenderedEmail } from "./templates.ts";

export interface MailTransport {
  send(message: RenderedEmail & { to: string }): Promise<void>;
}

/** Short timeouts: a job waiting on a silent server holds a worker, and it will be retried. */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

export function smtpTransport(url: string, from: string): MailTransport {
  const transport = nodemailer.createTransport({ url, ...TIMEOUTS } as Parameters<
    typeof nodemailer.createTransport
  >[0]);
  return {
    async send({ to, subject, text, html }) {
      await transport.sendMail({ from, to, subject, text, html });
    },
  };
}
