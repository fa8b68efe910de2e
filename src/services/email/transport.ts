// The one way out for email: nodemailer over SMTP_URL, from MAIL_FROM.
import type { Transporter } from "nodemailer";
import type { RenderedEmail } from "./templates.ts";

export interface MailTransport {
  send(message: RenderedEmail & { to: string }): Promise<void>;
}

/** Short timeouts: a job waiting on a silent server holds a worker, and it will be retried. */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

export function smtpTransport(url: string, from: string): MailTransport {
  // nodemailer (some 200 modules) loads with the first email, not with the portal.
  let transport: Promise<Transporter> | undefined;
  const connect = async () => {
    const { default: nodemailer } = await import("nodemailer");
    return nodemailer.createTransport({ url, ...TIMEOUTS } as Parameters<typeof nodemailer.createTransport>[0]);
  };
  return {
    async send({ to, subject, text, html }) {
      transport ??= connect();
      await (await transport).sendMail({ from, to, subject, text, html });
    },
  };
}
