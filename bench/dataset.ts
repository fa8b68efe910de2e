// The benchmark's large dataset: ten years of published plans, each with 60 commitments and their
// risks, a review for every quarter with its history of versions and audit events, 200 partner
// accounts, 100 reporting centres, the emails of ten years' reminders, and 100,000 hate incidents
// over ten years (10,000 reports with their cases, and 90,000 police-recorded crimes). Built with
// batched inserts so it takes seconds, on PGlite or Postgres alike. Deterministic: the same data
// every run (of the same month).
import type { Database } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { seed } from "../src/db/seed.ts";
import * as seedData from "../src/db/seed-data.ts";
import type { RagStatus } from "../src/generated/prisma/enums.ts";
import { encryptionService } from "../src/services/encryption.ts";
import { rowBinding } from "../src/services/encrypted-columns.ts";
import { hashPassword } from "../src/services/passwords.ts";
import { CODE_ALPHABET, hashReceiptCode } from "../src/services/reports/follow-up.ts";
import { DATA_KEYS } from "../tests/helpers/server-process.ts";
import { QUARTERS, defaultDeadline, quarterDates, quarterOf } from "../src/services/plan/year.ts";

export interface DatasetSize {
  years: number;
  objectives: number;
  commitmentsPerObjective: number;
  risks: number;
  accounts: number;
  reportingCentres: number;
  emails: number;
  reports: number;
  /** Police-recorded crimes over the same ten years, by month, strand and area (none if left out). */
  policeCrimes?: number;
}

export const FULL_SIZE: DatasetSize = {
  years: 10,
  objectives: 6,
  commitmentsPerObjective: 10,
  risks: 12,
  accounts: 200,
  reportingCentres: 100,
  emails: 20_000,
  reports: 10_000,
  policeCrimes: 90_000,
};

/** The account the benchmark signs in with (an officer of the council). */
export const BENCH_ACCOUNT = {
  email: "bench.officer@rhins.example",
  password: "benchmark password, not for production",
};
/** And for the pages only coordinators have (with case access, so every case). */
export const BENCH_COORDINATOR = { email: "bench.coordinator@rhins.example", password: BENCH_ACCOUNT.password };
/** A SARI caseworker: the cases their agency leads or is shared on. */
export const BENCH_CASEWORKER = { email: "bench.caseworker@rhins.example", password: BENCH_ACCOUNT.password };

/** The i-th report's reference: four characters of the references' own alphabet, then BN. */
export const benchReference = (i: number) => {
  const chars = Array.from(
    { length: 4 },
    (_, k) => CODE_ALPHABET[Math.floor(i / CODE_ALPHABET.length ** (3 - k)) % CODE_ALPHABET.length],
  );
  return `RH-${chars.join("")}-BN`;
};

const STATUSES: RagStatus[] = ["RED", "AMBER", "GREEN", "COMPLETE"];
const CHUNK = 1_000;

const sentence = (n: number, words: string) =>
  Array.from({ length: n }, (_, i) => words.split(" ")[i % words.split(" ").length]).join(" ");
const LOREM =
  "the partnership will work with schools community groups faith leaders and local businesses to raise awareness of hate crime improve reporting and support victims across North Somerset";

async function inChunks<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

export interface DatasetSummary {
  plans: number;
  years: string;
  commitments: number;
  risks: number;
  reviews: number;
  reviewVersions: number;
  auditEvents: number;
  accounts: number;
  reportingCentres: number;
  emails: number;
  reports: number;
  policeCrimes: number;
  policeFigureRows: number;
  /** How long the reports, their cases and the police figures took to insert (the figures' triggers run on each). */
  incidentsSeconds: number;
  /** Of which the police figures. */
  policeSeconds: number;
  currentYear: number;
}

/** Migrates an empty database, loads the production seed, then the large dataset. */
export async function buildDataset(db: Database, size: DatasetSize = FULL_SIZE): Promise<DatasetSummary> {
  const p = db.prisma;
  await migrate(db);
  await seed(p, { production: true });
  // Ten uniform years instead of the one seeded plan.
  await p.plan.deleteMany({});

  // Agencies: the three seeded and five more local partners.
  await p.agency.createMany({
    data: Array.from({ length: 5 }, (_, i) => ({
      code: `LP${i + 1}`,
      name: `Local partner ${i + 1}`,
      description: "A local partner of the RHINS partnership",
      position: 10 + i,
    })),
    skipDuplicates: true,
  });
  const agencies = await p.agency.findMany({ orderBy: { id: "asc" } });
  const nsc = agencies.find((a) => a.code === "NSC")!;

  // Accounts: the benchmark's own officer, then coordinators, officers of every agency and viewers.
  const passwordHash = await hashPassword(BENCH_ACCOUNT.password);
  await p.user.createMany({
    data: [
      { email: BENCH_ACCOUNT.email, name: "Bench Officer", role: "OFFICER" as const, agencyId: nsc.id, passwordHash },
      {
        email: BENCH_COORDINATOR.email,
        name: "Bench Coordinator",
        role: "COORDINATOR" as const,
        agencyId: nsc.id,
        passwordHash,
        caseAccess: true,
      },
      {
        email: BENCH_CASEWORKER.email,
        name: "Bench Caseworker",
        role: "OFFICER" as const,
        agencyId: agencies.find((a) => a.code === "SARI")!.id,
        passwordHash,
        caseAccess: true,
      },
      ...Array.from({ length: size.accounts - 3 }, (_, i) => {
        const role = i % 20 === 0 ? "COORDINATOR" : i % 7 === 0 ? "VIEWER" : "OFFICER";
        return {
          email: `partner${i + 1}@rhins.example`,
          name: `Partner ${i + 1}`,
          role: role as "COORDINATOR" | "OFFICER" | "VIEWER",
          agencyId: role === "VIEWER" ? null : agencies[i % agencies.length]!.id,
          passwordHash,
          lastSignInAt: new Date(Date.UTC(2024, 0, 1 + (i % 300))),
        };
      }),
    ],
  });
  const users = await p.user.findMany({ where: { role: { not: "VIEWER" } }, orderBy: { id: "asc" } });

  // Ten years of plans, ending with the current financial year.
  const currentYear = quarterOf(new Date()).startYear;
  const firstYear = currentYear - size.years + 1;
  let previousCommitments: number[] = [];
  let counts = { commitments: 0, risks: 0, reviews: 0, reviewVersions: 0, auditEvents: 0 };
  for (let startYear = firstYear; startYear <= currentYear; startYear += 1) {
    const past = startYear < currentYear;
    const plan = await p.plan.create({
      data: {
        startYear,
        title: `Hate Crime Plan ${startYear}/${String((startYear + 1) % 100).padStart(2, "0")}`,
        strapline: seedData.plan2023.strapline,
        vision: seedData.plan2023.vision,
        introduction: seedData.plan2023.introduction,
        status: "PUBLISHED",
        publishedAt: quarterDates(startYear, 1).start,
        purposes: { create: seedData.plan2023.purposes.map((text, position) => ({ text, position })) },
        achievements: {
          create: Array.from({ length: 6 }, (_, position) => ({
            position,
            title: `Achievement ${position + 1} of ${startYear - 1}`,
            description: sentence(40, LOREM),
          })),
        },
        quarters: {
          create: QUARTERS.map((quarter) => ({
            quarter,
            deadline: defaultDeadline(startYear, quarter),
            closedAt: past ? defaultDeadline(startYear, quarter) : null,
          })),
        },
      },
    });
    const objectives = await p.objective.createManyAndReturn({
      data: Array.from({ length: size.objectives }, (_, o) => ({
        planId: plan.id,
        number: o + 1,
        title: `Objective ${o + 1}: ${sentence(8, LOREM)}`,
      })),
    });
    const commitments = await p.commitment.createManyAndReturn({
      data: objectives.flatMap((objective, o) =>
        Array.from({ length: size.commitmentsPerObjective }, (_, position) => {
          const n = o * size.commitmentsPerObjective + position;
          return {
            objectiveId: objective.id,
            position,
            text: `${sentence(18 + (n % 12), LOREM)} (${startYear}, ${o + 1}.${position + 1})`,
            allAgencies: n % 6 === 5,
            carriedFromId: previousCommitments[n] ?? null,
          };
        }),
      ),
    });
    previousCommitments = commitments.map((c) => c.id);
    const leads = commitments
      .filter((c) => !c.allAgencies)
      .flatMap((c, i) =>
        (i % 3 === 0 ? [i, i + 1] : [i]).map((k) => ({
          commitmentId: c.id,
          agencyId: agencies[k % agencies.length]!.id,
        })),
      );
    await p.commitmentLead.createMany({ data: leads, skipDuplicates: true });
    const firstLead = new Map<number, number>();
    for (const l of leads) if (!firstLead.has(l.commitmentId)) firstLead.set(l.commitmentId, l.agencyId);
    const risks = await p.risk.createManyAndReturn({
      data: Array.from({ length: size.risks }, (_, position) => ({
        planId: plan.id,
        position,
        description: `Risk ${position + 1}: ${sentence(14, LOREM)}`,
        mitigation: sentence(20, LOREM),
        rating: STATUSES[position % 3]!,
        ownerAgencyId: position % 4 === 3 ? null : agencies[position % agencies.length]!.id,
      })),
    });

    // A review of every commitment and risk for each quarter so far, each with 1 to 3 versions.
    const quartersDone = past ? 4 : quarterOf(new Date()).quarter;
    const subjects = [
      ...commitments.map((c, i) => ({
        key: { commitmentId: c.id },
        entity: "CommitmentReview",
        id: c.id,
        i,
        agencyId: firstLead.get(c.id),
      })),
      ...risks.map((r, i) => ({
        key: { riskId: r.id },
        entity: "RiskReview",
        id: r.id,
        i: i + 1000,
        agencyId: r.ownerAgencyId ?? undefined,
      })),
    ];
    const planned = subjects.flatMap((s) =>
      QUARTERS.filter((q) => q <= quartersDone).map((quarter) => {
        const versions = 1 + ((s.i + quarter) % 3);
        const author = users[(s.i * 7 + quarter) % users.length]!;
        const updatedAt = new Date(quarterDates(startYear, quarter as 1 | 2 | 3 | 4).end.getTime() - 86_400_000);
        const history = Array.from({ length: versions }, (_, v) => ({
          version: v + 1,
          status: STATUSES[(s.i + quarter + v) % STATUSES.length]!,
          commentary: `Quarter ${quarter} update ${v + 1}: ${sentence(30 + ((s.i + v) % 25), LOREM)}`,
          createdAt: new Date(updatedAt.getTime() - (versions - v - 1) * 3_600_000),
        }));
        return { s, quarter, author, history, updatedAt };
      }),
    );
    const reviews = await p.review.createManyAndReturn({
      data: planned.map(({ s, quarter, author, history, updatedAt }) => ({
        ...s.key,
        quarter,
        // One lead agency's update (an item all agencies lead: its author's agency).
        agencyId: s.agencyId ?? author.agencyId ?? agencies[0]!.id,
        status: history.at(-1)!.status,
        commentary: history.at(-1)!.commentary,
        version: history.length,
        authorId: author.id,
        authorAgencyId: author.agencyId,
        updatedAt,
      })),
    });
    const reviewId = new Map(reviews.map((r) => [`${r.commitmentId ?? ""}/${r.riskId ?? ""}/${r.quarter}`, r.id]));
    const versions = planned.flatMap(({ s, quarter, author, history }) => {
      const id = reviewId.get(`${"commitmentId" in s.key ? s.id : ""}/${"riskId" in s.key ? s.id : ""}/${quarter}`)!;
      return history.map((h, v) => ({
        reviewId: id,
        version: h.version,
        previousStatus: v === 0 ? null : history[v - 1]!.status,
        status: h.status,
        commentary: h.commentary,
        authorId: author.id,
        authorAgencyId: author.agencyId,
        createdAt: h.createdAt,
      }));
    });
    await inChunks(versions, (data) => p.reviewVersion.createMany({ data }));
    const audits = planned.flatMap(({ s, quarter, author, history }) =>
      history.map((h, v) => ({
        actorId: author.id,
        actorEmail: author.email,
        action: "review.saved",
        entityType: s.entity,
        entityId: `${s.id}/Q${quarter}`,
        before: v === 0 ? undefined : { status: history[v - 1]!.status, version: v },
        after: { status: h.status, commentary: h.commentary, version: h.version },
        createdAt: h.createdAt,
      })),
    );
    await inChunks(audits, (data) => p.auditEvent.createMany({ data }));
    counts = {
      commitments: counts.commitments + commitments.length,
      risks: counts.risks + risks.length,
      reviews: counts.reviews + reviews.length,
      reviewVersions: counts.reviewVersions + versions.length,
      auditEvents: counts.auditEvents + audits.length,
    };
  }

  // The public directory: the seeded examples and more, in the same towns.
  const seededCentres = await p.reportingCentre.count();
  const towns = [...new Set(seedData.reportingCentres.map((c) => c.town))];
  await p.reportingCentre.createMany({
    data: Array.from({ length: Math.max(0, size.reportingCentres - seededCentres) }, (_, i) => {
      const model = seedData.reportingCentres[i % seedData.reportingCentres.length]!;
      return { ...model, name: `${model.name} (${i + 1})`, town: towns[i % towns.length]!, isExample: true };
    }),
  });

  // Emails: reminders sent over the years, some failed, the newest still queued.
  const recipients = await p.user.findMany({ select: { id: true, email: true }, orderBy: { id: "asc" } });
  await inChunks(
    Array.from({ length: size.emails }, (_, i) => {
      const to = recipients[i % recipients.length]!;
      const status = i >= size.emails - 20 ? "QUEUED" : i % 50 === 0 ? "FAILED" : "SENT";
      const createdAt = new Date(Date.UTC(firstYear, 3, 1) + i * 3 * 3_600_000);
      return {
        to: to.email,
        userId: to.id,
        template: "reminder-before-deadline",
        subject: `Reminder: ${1 + (i % 9)} updates due by 21 July 2024 (5 working days left)`,
        status: status as "QUEUED" | "FAILED" | "SENT",
        attempts: status === "FAILED" ? 1 : status === "SENT" ? 1 : 0,
        lastError: status === "FAILED" ? "550 EENVELOPE: Mailbox unavailable" : "",
        createdAt,
        sentAt: status === "SENT" ? createdAt : null,
      };
    }),
    (data) => p.emailMessage.createMany({ data }),
  );

  // Online reports over the years, their personal answers encrypted under the keys the bench's
  // portal runs with; one in ten with a message thread.
  const encryption = encryptionService({
    keys: { test: Buffer.from(DATA_KEYS.REPORT_ENCRYPTION_KEYS.split(":")[1]!, "base64") },
    currentKeyId: "test",
    hmacKey: Buffer.from(DATA_KEYS.REPORT_HMAC_KEY, "base64"),
  });
  const receiptHash = await hashReceiptCode("BENCHBENCHBENCH2");
  const areas = [...towns, "OUTSIDE", "ONLINE"];
  const strands = ["RACE", "RELIGION", "SEXUAL_ORIENTATION", "DISABILITY", "TRANSGENDER", "AGE"];
  const places = ["HOME", "STREET", "TRANSPORT", "SHOP", "SCHOOL", "WORK", "ONLINE"];
  const repeats = ["YES", "NO", "NOT_SURE", null];
  const centres = await p.reportingCentre.findMany({ select: { id: true }, orderBy: { id: "asc" }, take: 20 });
  const incidentsStarted = Date.now();
  // Evenly over the ten years up to the start of this month, so every period of the figures page has reports.
  const thisMonth = new Date();
  const end = Date.UTC(thisMonth.getUTCFullYear(), thisMonth.getUTCMonth(), 1);
  const step = (10 * 365.25 * 86_400_000) / size.reports;
  const receivedAt = (i: number) => new Date(Math.round(end - (size.reports - i) * step));
  const reportIds = Array.from(
    { length: size.reports },
    (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
  );
  await inChunks(
    reportIds.map((id, i) => {
      const seal = (column: string, value: string) =>
        encryption.encrypt(value, rowBinding("IncidentReport", column, id));
      const at = receivedAt(i);
      return {
        id,
        reference: benchReference(i),
        receiptHash,
        receivedAt: at,
        reporterRole: i % 3 === 0 ? "WITNESS" : "VICTIM",
        incidentTypes: ["VERBAL"],
        // One in seven about two strands.
        strands:
          i % 7 === 0 && i % strands.length !== 0
            ? [strands[i % strands.length]!, "RACE"]
            : [strands[i % strands.length]!],
        incidentMonth: at.toISOString().slice(0, 7),
        area: i % 11 === 0 ? null : areas[i % areas.length]!,
        placeType: places[i % places.length]!,
        happenedBefore: repeats[i % repeats.length]!,
        // One in five entered at a reporting centre.
        viaCentreId: i % 5 === 1 ? centres[i % centres.length]!.id : null,
        wants: i % 4 === 0 ? ["RECORD_ONLY"] : ["SUPPORT"],
        anonymous: i % 3 !== 0,
        narrative: seal("narrative", sentence(60, LOREM)),
        location: seal("location", "High Street"),
        contact:
          i % 3 === 0 ? seal("contact", JSON.stringify({ name: `Reporter ${i}`, email: `r${i}@example.com` })) : null,
      };
    }),
    (data) => p.incidentReport.createMany({ data }),
  );
  await inChunks(
    reportIds
      .filter((_, i) => i % 10 === 0)
      .map((reportId, i) => {
        const id = `00000000-0000-4000-9000-${String(i).padStart(12, "0")}`;
        const body = encryption.encrypt(
          "Thank you for telling us. Can we call you?",
          rowBinding("ReportMessage", "body", id),
        );
        return { id, reportId, fromReporter: false, body };
      }),
    (data) => p.reportMessage.createMany({ data }),
  );

  // Each report's case: most closed, the rest at every open status, led by every agency in turn,
  // with a timeline and actions, their text encrypted as the portal does.
  const caseworkers = await p.user.findMany({ where: { caseAccess: true }, select: { id: true, agencyId: true } });
  const statuses = ["CLOSED", "CLOSED", "CLOSED", "NEW", "TRIAGED", "IN_CONTACT", "SUPPORTING", "REFERRED"] as const;
  const levels = ["STANDARD", "STANDARD", "MEDIUM", "HIGH"] as const;
  await inChunks(
    reportIds.map((id, i) => {
      const status = statuses[i % statuses.length]!;
      const agency = agencies[Math.floor(i / statuses.length) % agencies.length]!; // every status in each agency
      const openedAt = receivedAt(i);
      const triaged = status !== "NEW";
      return {
        id,
        reportId: id,
        status,
        openedAt,
        strands: [strands[i % strands.length]!],
        ...(triaged && {
          assessment: "HATE_INCIDENT",
          riskScore: i % 10,
          riskScoredLevel: levels[i % levels.length]!,
          riskLevel: levels[i % levels.length]!,
          riskAnswers: encryption.encrypt('{"repeat":"YES"}', rowBinding("Case", "riskAnswers", id)),
          leadAgencyId: agency.id,
          caseworkerId: caseworkers.find((c) => c.agencyId === agency.id)?.id ?? null,
          triagedAt: openedAt,
          firstContactDue: new Date(openedAt.getTime() + 5 * 86_400_000),
          firstContactAt: i % 5 === 0 ? null : openedAt,
        }),
        ...(status === "CLOSED" && {
          closedAt: new Date(openedAt.getTime() + 30 * 86_400_000),
          outcome: "SUPPORT_GIVEN",
          closingSummary: encryption.encrypt("Support given; closed", rowBinding("Case", "closingSummary", id)),
        }),
      };
    }),
    (data) => p.case.createMany({ data }),
  );
  const entryKinds = ["CONTACT", "NOTE", "SUPPORT"] as const;
  await inChunks(
    reportIds.flatMap((caseId, i) =>
      Array.from({ length: 3 }, (_, j) => {
        const id = `00000000-0000-4000-a${j}00-${String(i).padStart(12, "0")}`;
        const kind = entryKinds[j]!;
        return {
          id,
          caseId,
          kind,
          body: encryption.encrypt(sentence(30, LOREM), rowBinding("CaseEntry", "body", id)),
          ...(kind === "CONTACT" && { contactMethod: "PHONE", contactMade: true }),
          ...(kind === "SUPPORT" && { supportKind: "EMOTIONAL", supportAccepted: true }),
        };
      }),
    ),
    (data) => p.caseEntry.createMany({ data }),
  );
  await inChunks(
    reportIds.map((caseId, i) => {
      const id = `00000000-0000-4000-b000-${String(i).padStart(12, "0")}`;
      return {
        id,
        caseId,
        description: encryption.encrypt(
          "Call back to check they are safe",
          rowBinding("CaseAction", "description", id),
        ),
        ownerId: caseworkers[i % caseworkers.length]!.id,
        dueOn: new Date(Date.UTC(currentYear, (i % 12) as number, 1)),
        doneAt: i % 3 === 0 ? null : new Date(Date.UTC(currentYear, 0, 1)),
      };
    }),
    (data) => p.caseAction.createMany({ data }),
  );

  const policeStarted = Date.now();
  const police = size.policeCrimes
    ? await policeFigures(db, size.policeCrimes, towns, new Date(end))
    : { crimes: 0, rows: 0 };
  const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10;
  const [incidentsSeconds, policeSeconds] = [seconds(incidentsStarted), seconds(policeStarted)];
  // Statistics for the planner, as a database that has been running would have (autovacuum would
  // take a minute or more to notice the bulk load, and pages are measured sooner).
  await p.$executeRawUnsafe("ANALYZE");

  return {
    plans: size.years,
    years: `${firstYear}/${String((firstYear + 1) % 100).padStart(2, "0")} to ${currentYear}/${String((currentYear + 1) % 100).padStart(2, "0")}`,
    ...counts,
    accounts: await p.user.count(),
    reportingCentres: await p.reportingCentre.count(),
    emails: size.emails,
    reports: size.reports,
    policeCrimes: police.crimes,
    policeFigureRows: police.rows,
    incidentsSeconds,
    policeSeconds,
    currentYear,
  };
}

/**
 * Police-recorded crimes for each month of the ten years before `end`, by the five monitored
 * strands and every area, as the police lead's CSV would give them (one import a year), summing
 * to `crimes`: more about race, and in Weston-super-Mare, as the partnership's own figures show.
 */
async function policeFigures(db: Database, crimes: number, towns: string[], end: Date) {
  const p = db.prisma;
  const strandWeights = { RACE: 10, RELIGION: 3, SEXUAL_ORIENTATION: 4, DISABILITY: 3, TRANSGENDER: 1 };
  const areaWeights = [...towns.map((t) => [t, t === "Weston-super-Mare" ? 6 : 2] as const), ["ELSEWHERE", 1] as const];
  const lastMonth = new Date(end.getTime() - 86_400_000).toISOString().slice(0, 7);
  const months = Array.from({ length: 120 }, (_, i) => {
    const [y, m] = lastMonth.split("-").map(Number) as [number, number];
    const index = y * 12 + (m - 1) - (119 - i);
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
  });
  const cells = months.flatMap((month, i) =>
    Object.entries(strandWeights).flatMap(([strand, sw]) =>
      // A little seasonal: more in the summer months.
      areaWeights.map(([area, aw]) => ({ month, strand, area, weight: sw * aw * (1 + ((i % 12) % 5) / 4) })),
    ),
  );
  const total = cells.reduce((n, c) => n + c.weight, 0);
  const rows = cells.map((c) => ({
    month: c.month,
    strand: c.strand,
    area: c.area,
    count: Math.floor((crimes * c.weight) / total),
  }));
  // What rounding down left, one more each for the first cells.
  const left = crimes - rows.reduce((n, r) => n + r.count, 0);
  for (let i = 0; i < left; i += 1) rows[i % rows.length]!.count += 1;
  for (const year of [...new Set(months.map((m) => m.slice(0, 4)))]) {
    const ofYear = rows.filter((r) => r.month.startsWith(year));
    const imported = await p.policeImport.create({
      data: {
        fileName: `police-hate-crimes-${year}.csv`,
        fromMonth: ofYear[0]!.month,
        toMonth: ofYear.at(-1)!.month,
        rowCount: ofYear.length,
        total: ofYear.reduce((n, r) => n + r.count, 0),
      },
    });
    await inChunks(
      ofYear.map((r) => ({ ...r, importId: imported.id })),
      (data) => p.policeFigure.createMany({ data }),
    );
  }
  return { crimes, rows: rows.length };
}
