// TypeScript a developer would write against the types openapi-typescript generates from
// openapi/openapi.json. scripts/check-typescript generates them into a temporary directory,
// maps the module name "urbandiplo-api" to them, and compiles this file with tsc --strict
// --noEmit: a contract change that breaks what is used here fails the check. The
// `@ts-expect-error` lines fail too if the types become so loose that the mistake under them
// compiles (an `any`, say).

import type { components, operations, paths } from "urbandiplo-api";

type Schemas = components["schemas"];
export type Partnership = Schemas["Partnership"];
export type Problem = Schemas["Problem"];

// A list of partnerships, as GET /v1/partnerships answers: the staff or the public page.
type PartnershipListQuery = NonNullable<
    paths["/v1/partnerships"]["get"]["parameters"]["query"]
>;
export type PartnershipList =
    paths["/v1/partnerships"]["get"]["responses"][200]["content"]["application/json"];

export const firstPage: PartnershipListQuery = { kind: "twinning", sort: "-established_on", limit: 5 };

// @ts-expect-error: "sister_city" is no kind of partnership.
export const wrongKind: PartnershipListQuery = { kind: "sister_city" };

/** The query for the page after `page`, or null after the last one. */
export function nextPage(
    query: PartnershipListQuery,
    page: PartnershipList,
): PartnershipListQuery | null {
    return page.next_cursor === null ? null : { ...query, cursor: page.next_cursor };
}

/** Partner cities' names, from a staff page or a public one. */
export function partnerNames(page: PartnershipList): string[] {
    return page.items.map((item) => item.partner_city.name);
}

/** Staff see the visibility; the public page has none, so narrow first. */
export function internalOnes(page: Schemas["PartnershipPage"]): Partnership[] {
    return page.items.filter((item) => item.visibility === "internal");
}

// A change with If-Match: the body, the header, and what a stale ETag gives.
type Update = operations["partnerships-update"];
export const update: Update["requestBody"]["content"]["application/json"] = { status: "active" };
export const headers: NonNullable<Update["parameters"]["header"]> = { "If-Match": '"3-5f0c"' };

// @ts-expect-error: the status is one of the partnership statuses, not free text.
export const wrongStatus: Update["requestBody"]["content"]["application/json"] = { status: "on" };

export type StaleEtag = Update["responses"][412]["content"]["application/problem+json"];
export const stale: StaleEtag = {
    type: "/problems/precondition-failed",
    title: "Precondition failed",
    status: 412,
    detail: "The partnership changed since you read it; read it again.",
};

/** What a script tells its user about a problem. */
export function describe(problem: Problem): string {
    const fields = (problem.errors ?? []).map((error) => `${error.field}: ${error.message}`);
    return [`${problem.status} ${problem.title}`, problem.detail ?? "", ...fields].join("\n");
}

// The change feed: go on with next_since; a delete comes without the record.
type Feed = paths["/v1/changes"]["get"]["responses"][200]["content"]["application/json"];
export function changedPartnerships(feed: Feed): string[] {
    return feed.items
        .filter((change) => change.type === "partnerships" && change.operation === "upsert")
        .map((change) => change.id);
}
export function nextSince(feed: Feed): number {
    return feed.next_since;
}
