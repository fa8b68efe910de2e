// The anonymous side of a report: the reporter comes back to /report/follow-up with the
// reference and the receipt code shown once on the confirmation page, reads the caseworker's
// messages and replies. The code is kept only as an argon2id hash. A reference that does not
// exist, a locked one and a wrong code are refused alike, after the same work, so neither the
// answer nor its timing tells which; ten wrong codes in a row lock the reference for an hour.
import { randomInt, randomUUID } from "node:crypto";
import argon2 from "argon2";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import type { Actor, Db } from "../audit.ts";
import { rowBinding } from "../encrypted-columns.ts";
import type { Binding, EncryptionService } from "../encryption.ts";
import { ServiceError } from "../errors.ts";

/**
 * Crockford's base 32 without 0, 1 (and so O, I, L, already left out) or U: what is left cannot be
 * misread or misheard when a reference is read out on the phone to SARI.
 */
export const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
export const RECEIPT_CODE_LENGTH = 16;
/** Wrong receipt codes in a row that lock a reference, and for how long. */
export const FOLLOW_UP_ATTEMPTS = 10;
export const FOLLOW_UP_LOCK_MS = 60 * 60_000;
export const MAX_MESSAGE = 2000;

/**
 * argon2id for the receipt code. Unlike a password, the code is 16 random characters (about 78
 * bits), so it cannot be guessed offline whatever the hash costs, and online the lock stops
 * guessing; the cost is only a second line of defence. So it is light: 4 MiB, one pass, about
 * 3 ms here, where OWASP's password settings (12 MiB, 3 passes) took 20 ms of a core for every
 * report and every follow-up, a quarter of this machine at 20 reports a second (npm run bench).
 */
const RECEIPT_HASH = { type: argon2.argon2id, memoryCost: 4_096, timeCost: 1, parallelism: 1 } as const;

const randomCharacters = (n: number) => Array.from({ length: n }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join("");

/** A new reference, like RH-7K3Q-P9: 30^6 (about 729 million) of them. */
export const newReference = () => {
  const chars = randomCharacters(6);
  return `RH-${chars.slice(0, 4)}-${chars.slice(4)}`;
};

/** A new receipt code, in groups of four for reading and copying: 7K3Q-P9XM-... */
export const newReceiptCode = () => formatReceiptCode(randomCharacters(RECEIPT_CODE_LENGTH));

export const formatReceiptCode = (code: string) => code.match(/.{1,4}/g)?.join("-") ?? "";

const outside = new RegExp(`[^${CODE_ALPHABET}]`);

/**
 * A reference as typed ("rh 7k3q p9", "RH7K3QP9") in its stored form, or undefined if it cannot be
 * one, so nothing else is looked up.
 */
export function normaliseReference(typed: string): string | undefined {
  const chars = typed.toUpperCase().replace(/[\s-]/g, "");
  const body = chars.startsWith("RH") ? chars.slice(2) : chars;
  if (body.length !== 6 || outside.test(body)) return undefined;
  return `RH-${body.slice(0, 4)}-${body.slice(4)}`;
}

/** A receipt code as typed, upper case, without spaces or dashes: the form its hash was made of. */
export const normaliseReceiptCode = (typed: string) => typed.toUpperCase().replace(/[\s-]/g, "");

/** Whether the follow-up of a reference is locked at `now`. */
export const isLocked = (lockedUntil: Date | null, now: Date) => lockedUntil !== null && lockedUntil > now;

/** Whether this many wrong codes in a row lock the reference. */
export const locksAfter = (failures: number) => failures >= FOLLOW_UP_ATTEMPTS;

/** When a lock made at `now` ends. */
export const lockEnds = (now: Date) => new Date(now.getTime() + FOLLOW_UP_LOCK_MS);

export const hashReceiptCode = (code: string) => argon2.hash(normaliseReceiptCode(code), RECEIPT_HASH);

/** A hash no code matches, verified when a reference does not exist so that takes as long as a wrong code. */
let dummyHash: Promise<string> | undefined;
export const receiptDummyHash = () => (dummyHash ??= argon2.hash(randomCharacters(RECEIPT_CODE_LENGTH), RECEIPT_HASH));

export async function verifyReceiptCode(hash: string, code: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, normaliseReceiptCode(code));
  } catch {
    return false; // a malformed stored hash opens nothing
  }
}

export const messageBinding = (id: string): Binding => rowBinding("ReportMessage", "body", id);

/** One message of a report's thread, decrypted; body null once the report's personal data was deleted. */
export interface ThreadMessage {
  id: string;
  fromReporter: boolean;
  /** The partner who wrote it (never shown to the reporter). */
  authorName: string | null;
  body: string | null;
  createdAt: Date;
  readAt: Date | null;
}

/** A thread's messages, oldest first, with who wrote each. */
export const THREAD = {
  orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  include: { author: { select: { name: true } } },
} satisfies Prisma.IncidentReport$messagesArgs;

type MessageRow = Prisma.ReportMessageGetPayload<{ include: { author: { select: { name: true } } } }>;

export function decryptThread(encryption: EncryptionService, rows: MessageRow[]): ThreadMessage[] {
  return rows.map((m) => ({
    id: m.id,
    fromReporter: m.fromReporter,
    authorName: m.author?.name ?? null,
    body: m.body === null ? null : encryption.decrypt(m.body, messageBinding(m.id)),
    createdAt: m.createdAt,
    readAt: m.readAt,
  }));
}

/** Stores one message, encrypted, in the caller's transaction: from a partner, or (author null) the reporter. */
export async function storeMessage(
  db: Db,
  encryption: EncryptionService,
  message: { reportId: string; body: string; author: Actor | null; at: Date },
): Promise<string> {
  const id = randomUUID();
  await db.reportMessage.create({
    data: {
      id,
      reportId: message.reportId,
      fromReporter: message.author === null,
      authorId: message.author?.id ?? null,
      body: encryption.encrypt(message.body, messageBinding(id)),
      createdAt: message.at,
    },
  });
  return id;
}

/** What the reporter sees of a message: not who wrote it, only that it was the partnership. */
export interface ReporterMessage {
  fromReporter: boolean;
  body: string;
  createdAt: Date;
  /** A caseworker's message the reporter had not seen before this opening. */
  isNew: boolean;
}

export type FollowUp =
  | { ok: true; reference: string; messages: ReporterMessage[]; personalDataDeleted: boolean }
  | { ok: false };

export function followUpService(prisma: PrismaClient, options: { encryption: EncryptionService; now: () => Date }) {
  const { encryption, now } = options;

  /** The report these open, or undefined: for every kind of refusal, after one argon2 verify. */
  async function check(typedReference: string, typedCode: string) {
    const reference = normaliseReference(typedReference);
    const at = now();
    const row = reference
      ? await prisma.incidentReport.findUnique({
          where: { reference },
          select: {
            id: true,
            reference: true,
            receiptHash: true,
            followUpFailures: true,
            followUpLockedUntil: true,
            personalDataDeletedAt: true,
          },
        })
      : null;
    const open = row !== null && !isLocked(row.followUpLockedUntil, at);
    // Always one verify, against a dummy hash when there is nothing to check, so the time taken
    // does not say whether the reference exists or is locked.
    const right = await verifyReceiptCode(open ? row.receiptHash : await receiptDummyHash(), typedCode);
    if (!open) return undefined;
    if (!right) {
      // Counted in the database, so tries at several instances at once all count.
      const { followUpFailures } = await prisma.incidentReport.update({
        where: { id: row.id },
        data: { followUpFailures: { increment: 1 } },
        select: { followUpFailures: true },
      });
      if (locksAfter(followUpFailures))
        await prisma.incidentReport.updateMany({
          where: { id: row.id, followUpFailures: { gte: FOLLOW_UP_ATTEMPTS } },
          data: { followUpFailures: 0, followUpLockedUntil: lockEnds(at) },
        });
      return undefined;
    }
    if (row.followUpFailures > 0 || row.followUpLockedUntil)
      await prisma.incidentReport.update({
        where: { id: row.id },
        data: { followUpFailures: 0, followUpLockedUntil: null },
      });
    return row;
  }

  /** The thread as the reporter sees it; caseworkers' messages are marked read. */
  async function threadFor(report: { id: string; reference: string; personalDataDeletedAt: Date | null }): Promise<FollowUp> {
    const rows = await prisma.reportMessage.findMany({ where: { reportId: report.id }, ...THREAD });
    await prisma.reportMessage.updateMany({
      where: { reportId: report.id, fromReporter: false, readAt: null },
      data: { readAt: now() },
    });
    const messages = decryptThread(encryption, rows)
      .filter((m) => m.body !== null)
      .map((m) => ({
        fromReporter: m.fromReporter,
        body: m.body!,
        createdAt: m.createdAt,
        isNew: !m.fromReporter && m.readAt === null,
      }));
    return { ok: true, reference: report.reference, messages, personalDataDeleted: report.personalDataDeletedAt !== null };
  }

  return {
    /** The messages of a report for whoever holds its reference and receipt code, oldest first. */
    async followUp(reference: string, receiptCode: string): Promise<FollowUp> {
      const report = await check(reference, receiptCode);
      return report ? threadFor(report) : { ok: false };
    },

    /** The reporter's reply, after checking the code again; then the thread with it. */
    async reply(reference: string, receiptCode: string, body: string): Promise<FollowUp> {
      const report = await check(reference, receiptCode);
      if (!report) return { ok: false };
      if (report.personalDataDeletedAt)
        throw new ServiceError(409, "This report's details have been deleted, so it cannot take replies any more");
      await storeMessage(prisma, encryption, { reportId: report.id, body, author: null, at: now() });
      return threadFor(report);
    },
  };
}
