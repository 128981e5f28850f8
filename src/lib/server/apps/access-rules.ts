/**
 * Who may enter an app. Each kind is one entry: its label on the admin page and its check; the
 * stored rule, the admin form and the check all follow from this table.
 */
export const ACCESS_RULES = {
	'signed-in': { label: 'Everyone signed in', allows: () => true },
	admins: { label: 'Admins only', allows: (visitor) => visitor.isAdmin },
	groups: {
		label: 'People in chosen groups',
		allows: (visitor, rule) => rule.groupIds.some((id) => visitor.groupIds.has(id))
	},
	'two-step': {
		label: 'Everyone signed in with a second factor',
		allows: (visitor) => visitor.passedSecondStep
	}
} satisfies Record<
	string,
	{ label: string; allows: (visitor: Visitor, rule: AccessRule) => boolean }
>;

export type AccessKind = keyof typeof ACCESS_RULES;

export const ACCESS_KINDS = Object.keys(ACCESS_RULES) as AccessKind[];

/** As stored with an app: the kind, and the groups it names (used by `groups` only). */
export interface AccessRule {
	kind: AccessKind;
	groupIds: string[];
}

/** What a rule may ask about the signed-in person and their session. */
export interface Visitor {
	isAdmin: boolean;
	groupIds: ReadonlySet<string>;
	/** The session signed in with a second factor (or a passkey). */
	passedSecondStep: boolean;
}

export function isAccessKind(value: unknown): value is AccessKind {
	return typeof value === 'string' && Object.hasOwn(ACCESS_RULES, value);
}

export function allows(rule: AccessRule, visitor: Visitor): boolean {
	return ACCESS_RULES[rule.kind].allows(visitor, rule);
}

/** The rule in words, for the admin's list: "Admins only", "Groups: ops, design". */
export function describeAccess(rule: AccessRule, groupName: (id: string) => string | undefined) {
	if (rule.kind !== 'groups') return ACCESS_RULES[rule.kind].label;
	const names = rule.groupIds.flatMap((id) => groupName(id) ?? []);
	return names.length > 0 ? `Groups: ${names.join(', ')}` : 'Groups: none left (nobody)';
}

/** The choices of the admin's form, in the table's order. */
export function accessKinds(): Array<{ kind: AccessKind; label: string }> {
	return ACCESS_KINDS.map((kind) => ({ kind, label: ACCESS_RULES[kind].label }));
}
