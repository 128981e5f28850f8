import { config } from '../../config';
import type { Role, SessionTwoStep } from '../../store';

/** Whether REQUIRE_TWO_STEP asks a second factor of someone with this role. */
export function twoStepRequiredFor(role: Role): boolean {
	const policy = config().requireTwoStep;
	return policy === 'everyone' || (policy === 'admins' && role === 'admin');
}

/** The state of a session signed in with a password alone. */
export function passwordOnlyState(role: Role): SessionTwoStep {
	return twoStepRequiredFor(role) ? 'setup-required' : 'not-used';
}
