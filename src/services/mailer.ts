// Outgoing mail (set-password links) through SMTP, when SMTP_URL is configured.
import nodemailer from "nodemailer";
import type { Mailer } from "./accounts.ts";

export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(to, subject, text) {
      await transport.sendMail({ from, to, subject, text });
    },
  };
}
