/*
 * Limits of what people type, written once: the server's validation and the forms' `maxlength`
 * and hints import them alike.
 */
export const USERNAME_MIN = 3;
export const USERNAME_MAX = 32;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;
export const FULL_NAME_MAX = 100;
export const BIO_MAX = 1000;
export const AGE_MAX = 150;

/** The chat tool: a conversation's title. */
export const CHAT_TITLE_MAX = 80;

/** Two-step sign-in: the name someone gives a passkey ("Work laptop"). */
export const PASSKEY_NAME_MAX = 64;

/** Two-step sign-in: recovery codes made at a time. */
export const RECOVERY_CODE_COUNT = 10;

/** Apps behind the proxy and the groups of people who may enter them. */
export const APP_NAME_MAX = 60;
export const GROUP_NAME_MAX = 32;
