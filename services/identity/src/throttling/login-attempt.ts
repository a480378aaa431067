/** Who tries to log in, as the throttles count: the account (an email, normalized, or an API key id) and the client's address. */
export interface LoginAttempt {
  account: string | undefined;
  address: string;
}
