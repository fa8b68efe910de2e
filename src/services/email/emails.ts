// Every email the portal sends goes through here. It is recorded first (EmailMessage, its values
// encrypted), then sent by a job, so a slow or absent mail server never holds up a page: retried
// with back-off while the server is down or refuses for now, marked failed (with the reason, on
// the Emails page) when it refuses for good. A message is claimed before it is sent, so a second
// job for it sends nothing. With no SMTP_URL (development) each email is one line in the log.
import type { Logger } from "pino";
import type { EmailStatus, Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import type { JobContext, JobQueue } from "../../jobs/queue.ts";
import type { Actor, AuditService, Db } from "../audit.ts";
import type { EncryptionService } from "../encryption.ts";
import { ServiceError, notFound } from "../errors.ts";
import { type TemplateName, type TemplateParams, renderEmail, subjectOf } from "./templates.ts";
import type { MailTransport } from "./transport.ts";

export const EMAIL_JOB = "email";
export const EMAILS_PAGE_SIZE = 50;
/** Retries after the first try, the first after EMAIL_RETRY_DELAY_SECONDS, doubling: about 17 hours in all. */
export const EMAIL_RETRY_LIMIT = 11;
export const EMAIL_RETRY_DELAY_SECONDS = 30;
/** A message claimed for this long without an answer belonged to a worker that stopped. */
const CLAIM_TIMEOUT_MS = 10 * 60_000;
/** A message queued this long ago and never tried lost its job (the process stopped in between). */
const UNSENT_AFTER_MS = 2 * 60_000;
const ERROR_MAX = 500;

export interface EmailRequest<T extends TemplateName = TemplateName> {
  to: string;
  userId?: number | null;
  template: T;
  params: TemplateParams[T];
}

/** The params are bound to the message's address and template: a token moved to another row does not open. */
const binding = (to: string, template: string) => ["EmailMessage.params", template, to] as const;

/** An SMTP reply in the 500s (mailbox unknown, relaying refused, bad password) will not change on retry. */
function isPermanent(err: unknown): boolean {
  const code = (err as { responseCode?: unknown }).responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
}

function describe(err: unknown): string {
  const e = err as { responseCode?: number; code?: string; message?: string };
  const what = [e.responseCode, e.code].filter(Boolean).join(" ");
  return `${what ? `${what}: ` : ""}${e.message ?? String(err)}`.slice(0, ERROR_MAX);
}

/** Told of each email the mail server accepts or does not (the metrics). */
export interface EmailCounts {
  sent(): void;
  /** `final`: given up, marked failed; otherwise it will be retried. */
  failed(final: boolean): void;
}

export interface EmailOptions {
  encryption: EncryptionService;
  audit: AuditService;
  logger: Logger;
  queue: JobQueue;
  /** Undefined: no SMTP_URL, so emails are written to the log. */
  transport?: MailTransport;
  counts?: EmailCounts;
  now?: () => Date;
}

export function emailService(prisma: PrismaClient, options: EmailOptions) {
  const { encryption, logger, queue, transport, counts } = options;
  const now = options.now ?? (() => new Date());

  async function dispatch(ids: number[]): Promise<void> {
    for (const id of ids) await queue.send(EMAIL_JOB, { id });
  }

  return {
    /** Whether emails really leave the portal (SMTP_URL is set). */
    configured: transport !== undefined,

    /**
     * Records an email in the caller's transaction, so it is sent only if that commits; call
     * dispatch with the id afterwards (or leave it to the sweep).
     */
    async record<T extends TemplateName>(request: EmailRequest<T>, db: Db = prisma): Promise<number> {
      const row = await db.emailMessage.create({
        data: {
          to: request.to,
          userId: request.userId ?? null,
          template: request.template,
          subject: subjectOf(request.template, request.params),
          params: encryption.encrypt(JSON.stringify(request.params), binding(request.to, request.template)),
        },
        select: { id: true },
      });
      return row.id;
    },

    dispatch,

    /** Records an email and queues it at once. */
    async send<T extends TemplateName>(request: EmailRequest<T>): Promise<number> {
      const id = await this.record(request);
      await dispatch([id]);
      return id;
    },

    /** The email job: sends one message, once, or records why it could not. */
    async deliver(id: number, job: JobContext): Promise<void> {
      const claimed = await prisma.emailMessage.updateMany({
        where: {
          id,
          OR: [
            { status: "QUEUED" },
            { status: "SENDING", updatedAt: { lt: new Date(now().getTime() - CLAIM_TIMEOUT_MS) } },
          ],
        },
        data: { status: "SENDING", attempts: { increment: 1 } },
      });
      if (claimed.count === 0) return; // sent, failed for good, or being sent by another worker
      const message = await prisma.emailMessage.findUniqueOrThrow({ where: { id } });
      const template = message.template as TemplateName;
      if (!message.params) {
        await prisma.emailMessage.update({
          where: { id },
          data: { status: "FAILED", lastError: "Nothing left to send" },
        });
        return;
      }
      const params = JSON.parse(encryption.decrypt(message.params, binding(message.to, template)));
      const email = await renderEmail(template, params);
      if (!transport) {
        logger.info({ emailId: id, template }, `email not sent (no SMTP_URL): ${email.subject}`);
        await prisma.emailMessage.update({
          where: { id },
          data: { status: "LOGGED", params: null, lastError: "", sentAt: now() },
        });
        return;
      }
      try {
        await transport.send({ to: message.to, ...email });
      } catch (err) {
        const final = isPermanent(err) || job.retryCount >= job.retryLimit;
        counts?.failed(final);
        logger.warn({ emailId: id, template, attempt: message.attempts, final, err: describe(err) }, "email not sent");
        await prisma.emailMessage.update({
          where: { id },
          data: { status: final ? "FAILED" : "QUEUED", lastError: describe(err) },
        });
        if (final) return;
        throw err; // the queue tries again later, each wait longer than the last
      }
      counts?.sent();
      // Sent: the values (a set-password link, say) are not needed any more.
      await prisma.emailMessage.update({
        where: { id },
        data: { status: "SENT", params: null, lastError: "", sentAt: now() },
      });
      logger.info({ emailId: id, template }, "email sent");
    },

    /** Queues again what lost its job: recorded but never tried, or claimed by a worker that stopped. */
    async sweep(): Promise<number> {
      const at = now().getTime();
      const rows = await prisma.emailMessage.findMany({
        where: {
          OR: [
            { status: "QUEUED", attempts: 0, createdAt: { lt: new Date(at - UNSENT_AFTER_MS) } },
            { status: "SENDING", updatedAt: { lt: new Date(at - CLAIM_TIMEOUT_MS) } },
          ],
        },
        select: { id: true },
        take: 500,
      });
      await dispatch(rows.map((r) => r.id));
      return rows.length;
    },

    /** A coordinator's "Try again" for a failed email. */
    async retry(actor: Actor, id: number): Promise<void> {
      const message = await prisma.emailMessage.findUnique({ where: { id } });
      if (!message) throw notFound("email");
      if (message.status !== "FAILED") throw new ServiceError(409, "Only an email that failed can be sent again");
      if (!message.params) throw new ServiceError(409, "This email can no longer be sent again");
      await prisma.$transaction(async (tx) => {
        await tx.emailMessage.update({ where: { id }, data: { status: "QUEUED" } });
        await options.audit.record(
          {
            actor,
            action: "email.retried",
            entityType: "EmailMessage",
            entityId: id,
            after: { template: message.template },
          },
          tx,
        );
      });
      await dispatch([id]);
    },

    /** The Emails page: newest first, with the counts at each status. */
    async list(filter: { status?: EmailStatus; page: number }) {
      const where: Prisma.EmailMessageWhereInput = filter.status ? { status: filter.status } : {};
      const [messages, total, counts] = await Promise.all([
        prisma.emailMessage.findMany({
          where,
          orderBy: { id: "desc" },
          skip: (filter.page - 1) * EMAILS_PAGE_SIZE,
          take: EMAILS_PAGE_SIZE,
          select: {
            id: true,
            to: true,
            template: true,
            subject: true,
            status: true,
            attempts: true,
            lastError: true,
            createdAt: true,
            sentAt: true,
            params: true,
          },
        }),
        prisma.emailMessage.count({ where }),
        prisma.emailMessage.groupBy({ by: ["status"], _count: { _all: true } }),
      ]);
      return {
        messages: messages.map(({ params, ...m }) => ({ ...m, canRetry: m.status === "FAILED" && params !== null })),
        total,
        counts: Object.fromEntries(counts.map((c) => [c.status, c._count._all])) as Partial<
          Record<EmailStatus, number>
        >,
      };
    },

    /** What the queue holds for email now, for the Emails page. */
    async queueState() {
      if (!queue.started) return undefined;
      return queue.state(EMAIL_JOB);
    },
  };
}

export type EmailService = ReturnType<typeof emailService>;
