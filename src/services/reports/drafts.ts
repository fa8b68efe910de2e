// The answers of an online report not yet sent (/report/online), kept between its pages. The
// browser holds only a random id in a session cookie; the database holds a keyed hash of it
// (ReportDraft.key) and the answers encrypted, bound to that hash. A draft lasts 2 hours from
// its last save: after that it is gone, as if it had never been (reports/retention.ts sweeps
// expired rows every 15 minutes; one read after its expiry deletes it at once). A report that
// reporting-centre staff enter for someone has an owner: the hash covers the partner's id too,
// so the draft is found only by the partner who started it, even on a shared computer.
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { rowBinding } from "../encrypted-columns.ts";
import { DecryptionError, type EncryptionService } from "../encryption.ts";
import type { FormValues, ReportAnswers } from "./questions.ts";

/** How long a draft lasts after it was started or last saved. */
export const DRAFT_IDLE_MS = 2 * 60 * 60_000;

/** A cookie value we made: 32 random bytes, base64url. */
const DRAFT_ID = /^[A-Za-z0-9_-]{43}$/;

export interface ReportDraft {
  /** The keyed hash of the cookie value: the row's key. */
  key: string;
  /** The token every page of this draft posts back (compared in constant time). */
  csrfToken: string;
  answers: ReportAnswers;
}

const randomToken = () => randomBytes(32).toString("base64url");

export function reportDraftService(prisma: PrismaClient, encryption: EncryptionService) {
  /** A partner's draft (owner: their user id) has a key of its own: no public cookie finds it. */
  const keyOf = (cookie: string, owner?: number) =>
    encryption.lookupHash("ReportDraft", owner === undefined ? cookie : `partner ${owner}:${cookie}`);
  const binding = (key: string) => rowBinding("ReportDraft", "answers", key);
  const seal = (key: string, answers: ReportAnswers) => encryption.encrypt(JSON.stringify(answers), binding(key));
  /** The answers, or undefined if they do not decrypt (changed, or copied from another draft). */
  const unseal = (key: string, token: string): ReportAnswers | undefined => {
    try {
      return JSON.parse(encryption.decrypt(token, binding(key))) as ReportAnswers;
    } catch (err) {
      if (err instanceof DecryptionError || err instanceof SyntaxError) return undefined;
      throw err;
    }
  };
  const expiry = () => new Date(Date.now() + DRAFT_IDLE_MS);

  return {
    /** Starts a draft with no answers; the cookie value is given to the browser and kept nowhere. */
    async create(owner?: number): Promise<{ cookie: string; draft: ReportDraft }> {
      const cookie = randomToken();
      const draft: ReportDraft = { key: keyOf(cookie, owner), csrfToken: randomToken(), answers: {} };
      await prisma.reportDraft.create({
        data: { key: draft.key, csrfToken: draft.csrfToken, answers: seal(draft.key, {}), expiresAt: expiry() },
      });
      return { cookie, draft };
    },

    /** The live draft for a cookie value; undefined if there is none, or it has expired (then it is deleted). */
    async read(cookie: string | undefined, owner?: number): Promise<ReportDraft | undefined> {
      if (!cookie || !DRAFT_ID.test(cookie)) return undefined;
      const key = keyOf(cookie, owner);
      const row = await prisma.reportDraft.findUnique({ where: { key } });
      if (!row) return undefined;
      const answers = row.expiresAt > new Date() ? unseal(key, row.answers) : undefined;
      if (!answers) {
        await prisma.reportDraft.deleteMany({ where: { key } });
        return undefined;
      }
      return { key, csrfToken: row.csrfToken, answers };
    },

    /**
     * Keeps one page's answers and gives the draft another 2 hours. False if it expired (or was
     * deleted) meanwhile, when nothing is kept.
     */
    async saveStep(draft: ReportDraft, slug: string, values: FormValues): Promise<boolean> {
      const answers = { ...draft.answers, [slug]: values };
      const { count } = await prisma.reportDraft.updateMany({
        where: { key: draft.key, expiresAt: { gt: new Date() } },
        data: { answers: seal(draft.key, answers), expiresAt: expiry() },
      });
      if (count === 1) draft.answers = answers;
      return count === 1;
    },

    /** Deletes the draft for a cookie value (sent, or left with Exit this page), if there is one. */
    async delete(cookie: string | undefined, owner?: number): Promise<void> {
      if (cookie && DRAFT_ID.test(cookie))
        await prisma.reportDraft.deleteMany({ where: { key: keyOf(cookie, owner) } });
    },
  };
}

export type ReportDraftService = ReturnType<typeof reportDraftService>;
