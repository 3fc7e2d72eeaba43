/** The signed-in credentials, kept for this tab only (sessionStorage) until sign-out. */
import { credentialsFromJson, type ConsoleCredentials } from "../forms.js";

const key = "berth-console-credentials";

export const storedCredentials = (): ConsoleCredentials | undefined => credentialsFromJson(sessionStorage.getItem(key));
export const keepCredentials = (c: ConsoleCredentials): void => sessionStorage.setItem(key, JSON.stringify(c));
export const forgetCredentials = (): void => sessionStorage.removeItem(key);
