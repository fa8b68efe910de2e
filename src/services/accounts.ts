// Partner accounts: signing in (with lockout), set-password links, and coordinators' account
// management. Every change is audited in the same transaction.
import { createHash, randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { PrismaClient, Role } from "../generated/prisma/client.ts";
import { agenciesOffered } from "./agencies.ts";
import type { Actor, AuditService, Db } from "./audit.ts";
import { mayHoldCaseAccess } from "./cases/access.ts";
import { FieldError, ServiceError, forbidden, notFound } from "./errors.ts";
import { passwordProblem } from "./password-policy.ts";
import type { EmailService } from "./email/emails.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";

export const LOCKOUT = { maxFailures: 10, windowMs: 5 * 60_000, lockMs: 15 * 60_000 };
export const TOKEN_LIFETIME_MS = 72 * 60 * 60_000;

/** Verified against when the email is unknown, so every failure costs the same time. */
const DUMMY_HASH = await hashPassword(randomBytes(16).toString("hex"));

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");
export const normaliseEmail = (email: string) => email.trim().toLowerCase();

const includeAgency = { agency: { select: { code: true } } } as const;

type UserWithAgency = {
  id: number;
  email: string;
  name: string;
  role: Role;
  agencyId: number | null;
  totpEnabledAt: Date | null;
  caseAccess: boolean;
  reportingCentreId: number | null;
  agency: { code: string } | null;
};

export function sessionUser(u: UserWithAgency): Express.User {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    agencyId: u.agencyId,
    agencyCode: u.agency?.code ?? null,
    twoFactorEnabled: u.totpEnabledAt !== null,
    caseAccess: u.caseAccess && u.role !== "VIEWER",
    reportingCentreId: u.reportingCentreId,
  };
}

export interface AccountInput {
  name: string;
  email: string;
  role: Role;
  agencyId: number | null;
  /** May see and work on cases (services/cases/access.ts); never a viewer's. */
  caseAccess: boolean;
  /** The reporting centre (ReportingCentre) whose staff this person is, if any: an active one. */
  reportingCentreId: number | null;
}

export interface AccountsOptions {
  audit: AuditService;
  logger: Logger;
  now?: () => Date;
  publicBaseUrl?: string;
  emails: Pick<EmailService, "record" | "dispatch" | "configured">;
}

export function accountService(prisma: PrismaClient, options: AccountsOptions) {
  const { audit, logger } = options;
  const now = options.now ?? (() => new Date());

  /** Counts a failed sign-in (password or second factor) and locks the account at the limit. */
  async function recordFailure(
    user: { id: number; email: string; failedSignInCount: number; firstFailedSignInAt: Date | null },
    ip: string,
    reason: string,
  ) {
    const at = now();
    const freshWindow =
      !user.firstFailedSignInAt || at.getTime() - user.firstFailedSignInAt.getTime() > LOCKOUT.windowMs;
    const updated = await prisma.user.update({
      where: { id: user.id },
      data: freshWindow ? { failedSignInCount: 1, firstFailedSignInAt: at } : { failedSignInCount: { increment: 1 } },
    });
    await audit.record({
      actor: user,
      action: "sign-in.failed",
      entityType: "User",
      entityId: user.id,
      after: { reason },
      ip,
    });
    if (updated.failedSignInCount >= LOCKOUT.maxFailures && !(updated.lockedUntil && updated.lockedUntil > at)) {
      const lockedUntil = new Date(at.getTime() + LOCKOUT.lockMs);
      await prisma.$transaction(async (tx) => {
        await tx.user.update({ where: { id: user.id }, data: { lockedUntil } });
        await audit.record(
          { actor: user, action: "account.locked", entityType: "User", entityId: user.id, after: { lockedUntil }, ip },
          tx,
        );
      });
      logger.warn({ userId: user.id, lockedUntil }, "account locked after repeated failed sign-ins");
    }
  }

  async function issueLink(userId: number, actor: Actor | null, db: Db = prisma) {
    const token = randomBytes(32).toString("base64url");
    // Only the newest link works.
    await db.passwordToken.updateMany({ where: { userId, usedAt: null }, data: { usedAt: now() } });
    await db.passwordToken.create({
      data: {
        userId,
        tokenHash: hashToken(token),
        expiresAt: new Date(now().getTime() + TOKEN_LIFETIME_MS),
        createdById: actor?.id ?? null,
      },
    });
    return `${options.publicBaseUrl ?? ""}/partners/set-password/${token}`;
  }

  /**
   * A set-password link for a new or reset account, and its email recorded in the same
   * transaction (without SMTP_URL it is logged and listed, not sent). The coordinator is shown the
   * link either way; `emailed` says whether it is also on its way by email.
   */
  async function issueLinkEmail(user: { id: number; email: string }, actor: Actor, why: string, tx: Db) {
    const link = await issueLink(user.id, actor, tx);
    // A link without the portal's address would not work from an email.
    const emailId = options.publicBaseUrl
      ? await options.emails.record(
          { to: user.email, userId: user.id, template: "set-password", params: { why, link } },
          tx,
        )
      : undefined;
    return { link, emailed: emailId !== undefined && options.emails.configured, emailId };
  }

  async function findAccount(id: number) {
    const user = await prisma.user.findUnique({ where: { id }, include: includeAgency });
    if (!user) throw notFound("account");
    return user;
  }

  const summary = (u: {
    name: string;
    email: string;
    role: Role;
    agencyId: number | null;
    active: boolean;
    caseAccess: boolean;
    reportingCentreId: number | null;
  }) => ({
    name: u.name,
    email: u.email,
    role: u.role,
    agencyId: u.agencyId,
    active: u.active,
    caseAccess: u.caseAccess,
    reportingCentreId: u.reportingCentreId,
  });

  async function checkAccountRules(
    input: AccountInput,
    existing?: {
      id: number;
      role: Role;
      agencyId: number | null;
      caseAccess: boolean;
      reportingCentreId: number | null;
    },
  ) {
    const clash = await prisma.user.findUnique({ where: { email: normaliseEmail(input.email) } });
    if (clash && clash.id !== existing?.id)
      throw new FieldError("email", "An account with this email address already exists");
    if (input.role === "OFFICER" && input.agencyId === null)
      throw new FieldError("agencyId", "Select the officer's agency");
    if (input.caseAccess && !mayHoldCaseAccess(input)) {
      // Making someone who has case access a viewer, keeping the box ticked, is a mistake on the role.
      if (existing && existing.caseAccess && mayHoldCaseAccess(existing))
        throw new FieldError(
          "role",
          "This account has case access, so it cannot be made a viewer. Untick case access to make them a viewer",
        );
      throw new FieldError(
        "caseAccess",
        "Viewers cannot have case access. Make them an officer first, or untick case access",
      );
    }
    // Only active agencies may be chosen, apart from the one the account already has.
    if (input.agencyId !== null && !(await agenciesOffered(prisma, [input.agencyId], [existing?.agencyId]))) {
      throw new FieldError("agencyId", "Select an agency from the list");
    }
    // Likewise reporting centres: an active one, or the one the account is already linked to.
    if (input.reportingCentreId !== null && input.reportingCentreId !== existing?.reportingCentreId) {
      const centre = await prisma.reportingCentre.findUnique({
        where: { id: input.reportingCentreId },
        select: { active: true },
      });
      if (!centre?.active) throw new FieldError("reportingCentreId", "Select a reporting centre from the list");
    }
  }

  return {
    /** Checks a password sign-in. Unknown email, wrong password and locked account look the same. */
    async authenticate(emailInput: string, password: string, ip: string): Promise<Express.User | null> {
      const email = normaliseEmail(emailInput);
      const user = await prisma.user.findUnique({ where: { email }, include: includeAgency });
      if (!user || !user.active || !user.passwordHash) {
        await verifyPassword(DUMMY_HASH, password);
        await audit.record({
          actor: user,
          actorEmail: email,
          action: "sign-in.failed",
          entityType: "User",
          entityId: user?.id,
          after: { reason: user ? "inactive or no password" : "unknown email" },
          ip,
        });
        return null;
      }
      const ok = await verifyPassword(user.passwordHash, password);
      if (user.lockedUntil && user.lockedUntil > now()) {
        await audit.record({
          actor: user,
          action: "sign-in.failed",
          entityType: "User",
          entityId: user.id,
          after: { reason: "locked" },
          ip,
        });
        return null;
      }
      if (!ok) {
        await recordFailure(user, ip, "wrong password");
        return null;
      }
      await prisma.user.update({
        where: { id: user.id },
        data: { failedSignInCount: 0, firstFailedSignInAt: null, lockedUntil: null, lastSignInAt: now() },
      });
      await audit.record({ actor: user, action: "sign-in.succeeded", entityType: "User", entityId: user.id, ip });
      return sessionUser(user);
    },

    recordFailure,

    /**
     * The partner for a session, or null when the account has gone or been deactivated. Every
     * partner page asks, so it is one query with its join (an include is two).
     */
    async findSessionUser(id: number): Promise<Express.User | null> {
      const rows = await prisma.$queryRaw<(Omit<UserWithAgency, "agency"> & { agencyCode: string | null })[]>`
        SELECT u.id, u.email, u.name, u.role::text AS role, u."agencyId", u."totpEnabledAt", u."caseAccess",
          u."reportingCentreId", a.code AS "agencyCode"
        FROM "User" u LEFT JOIN "Agency" a ON a.id = u."agencyId"
        WHERE u.id = ${id} AND u.active`;
      const user = rows[0];
      return user
        ? sessionUser({ ...user, agency: user.agencyCode === null ? null : { code: user.agencyCode } })
        : null;
    },

    async list() {
      const users = await prisma.user.findMany({
        include: { agency: true, reportingCentre: { select: { name: true, town: true } } },
        orderBy: [{ active: "desc" }, { name: "asc" }],
      });
      const at = now();
      return users.map((u) => ({ ...u, locked: Boolean(u.lockedUntil && u.lockedUntil > at) }));
    },

    get: findAccount,

    async create(actor: Actor, input: AccountInput) {
      await checkAccountRules(input);
      const { user, link, emailed, emailId } = await prisma.$transaction(async (tx) => {
        const user = await tx.user.create({ data: { ...input, email: normaliseEmail(input.email) } });
        await audit.record(
          { actor, action: "account.created", entityType: "User", entityId: user.id, after: summary(user) },
          tx,
        );
        return { user, ...(await issueLinkEmail(user, actor, "A RHINS portal account has been made for you.", tx)) };
      });
      if (emailId) await options.emails.dispatch([emailId]);
      return { user, link, emailed };
    },

    async update(actor: Actor, id: number, input: AccountInput) {
      const before = await findAccount(id);
      if (id === actor.id && input.role !== before.role)
        throw new FieldError("role", "You cannot change your own role");
      // Another coordinator decides who sees cases, so nobody gives themselves special category data.
      if (id === actor.id && input.caseAccess !== before.caseAccess)
        throw new FieldError("caseAccess", "You cannot change your own case access. Ask another coordinator");
      await checkAccountRules(input, before);
      return prisma.$transaction(async (tx) => {
        const after = await tx.user.update({ where: { id }, data: { ...input, email: normaliseEmail(input.email) } });
        await audit.record(
          {
            actor,
            action: "account.updated",
            entityType: "User",
            entityId: id,
            before: summary(before),
            after: summary(after),
          },
          tx,
        );
        if (before.role !== after.role) {
          await audit.record(
            {
              actor,
              action: "account.role-changed",
              entityType: "User",
              entityId: id,
              before: { role: before.role },
              after: { role: after.role },
            },
            tx,
          );
        }
        return after;
      });
    },

    async setActive(actor: Actor, id: number, active: boolean) {
      const before = await findAccount(id);
      if (id === actor.id) throw forbidden("You cannot deactivate your own account.");
      await prisma.$transaction(async (tx) => {
        await tx.user.update({ where: { id }, data: { active } });
        if (!active) await tx.webSession.deleteMany({ where: { userId: id } });
        await audit.record(
          {
            actor,
            action: active ? "account.reactivated" : "account.deactivated",
            entityType: "User",
            entityId: id,
            before: { active: before.active },
            after: { active },
          },
          tx,
        );
      });
    },

    async unlock(actor: Actor, id: number) {
      const before = await findAccount(id);
      await prisma.$transaction(async (tx) => {
        await tx.user.update({
          where: { id },
          data: { lockedUntil: null, failedSignInCount: 0, firstFailedSignInAt: null },
        });
        await audit.record(
          {
            actor,
            action: "account.unlocked",
            entityType: "User",
            entityId: id,
            before: { lockedUntil: before.lockedUntil },
          },
          tx,
        );
      });
    },

    /** Stops the old password working and gives a new one-time set-password link. */
    async reset(actor: Actor, id: number) {
      const user = await findAccount(id);
      const { link, emailed, emailId } = await prisma.$transaction(async (tx) => {
        await tx.user.update({ where: { id }, data: { passwordHash: null } });
        await tx.webSession.deleteMany({ where: { userId: id } });
        await audit.record({ actor, action: "account.reset", entityType: "User", entityId: id }, tx);
        return issueLinkEmail(user, actor, "Your RHINS portal password has been reset.", tx);
      });
      if (emailId) await options.emails.dispatch([emailId]);
      return { user, link, emailed };
    },

    /** The account a set-password link is for, if the link is still usable. */
    async findByToken(token: string) {
      const row = await prisma.passwordToken.findUnique({
        where: { tokenHash: hashToken(token) },
        include: { user: true },
      });
      if (!row || row.usedAt || row.expiresAt <= now() || !row.user.active) return null;
      return row.user;
    },

    async setPasswordWithToken(token: string, password: string, ip: string) {
      const user = await this.findByToken(token);
      if (!user)
        throw new ServiceError(410, "This link has expired or has already been used. Ask a coordinator for a new one.");
      const problem = passwordProblem(password, user.email);
      if (problem) throw new FieldError("password", problem);
      const passwordHash = await hashPassword(password);
      await prisma.$transaction(async (tx) => {
        // Single use, even if two requests race.
        const used = await tx.passwordToken.updateMany({
          where: { tokenHash: hashToken(token), usedAt: null },
          data: { usedAt: now() },
        });
        if (used.count !== 1) throw new ServiceError(410, "This link has already been used.");
        await tx.user.update({
          where: { id: user.id },
          data: {
            passwordHash,
            passwordChangedAt: now(),
            failedSignInCount: 0,
            firstFailedSignInAt: null,
            lockedUntil: null,
          },
        });
        await audit.record({ actor: user, action: "password.set", entityType: "User", entityId: user.id, ip }, tx);
      });
      return user;
    },

    /** Whether the account gets the quarterly reminder emails (security emails always go). */
    async reminderEmails(userId: number): Promise<boolean> {
      const user = await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { reminderEmails: true } });
      return user.reminderEmails;
    },

    async setReminderEmails(actor: Actor, on: boolean) {
      await prisma.$transaction(async (tx) => {
        const before = await tx.user.findUniqueOrThrow({ where: { id: actor.id }, select: { reminderEmails: true } });
        if (before.reminderEmails === on) return;
        await tx.user.update({ where: { id: actor.id }, data: { reminderEmails: on } });
        await audit.record(
          {
            actor,
            action: "account.reminder-emails-changed",
            entityType: "User",
            entityId: actor.id,
            before,
            after: { reminderEmails: on },
          },
          tx,
        );
      });
    },

    /** Changes the signed-in user's password; their other sessions end. */
    async changePassword(actor: Actor, current: string, next: string, keepSessionId: string, ip: string) {
      const user = await findAccount(actor.id);
      if (!user.passwordHash || !(await verifyPassword(user.passwordHash, current))) {
        throw new FieldError("currentPassword", "Your current password is not right");
      }
      const problem = passwordProblem(next, user.email);
      if (problem) throw new FieldError("newPassword", problem);
      if (await verifyPassword(user.passwordHash, next)) {
        throw new FieldError("newPassword", "Your new password must be different from your current password");
      }
      const passwordHash = await hashPassword(next);
      await prisma.$transaction(async (tx) => {
        await tx.user.update({ where: { id: user.id }, data: { passwordHash, passwordChangedAt: now() } });
        await tx.webSession.deleteMany({ where: { userId: user.id, sid: { not: keepSessionId } } });
        await audit.record({ actor, action: "password.changed", entityType: "User", entityId: user.id, ip }, tx);
      });
    },
  };
}

export type AccountService = ReturnType<typeof accountService>;
