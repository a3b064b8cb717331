/**
 * An API error in Mattermost's shape: `{id, message, status_code}`. The id is a stable key
 * clients can test (Mattermost's own where one exists), the message is for people.
 */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly id: string,
    message: string,
  ) {
    super(message);
  }

  toJSON() {
    return { id: this.id, message: this.message, status_code: this.statusCode };
  }
}

export const unauthorized = () =>
  new ApiError(
    401,
    "api.context.session_expired.app_error",
    "Invalid or expired session, please login again.",
  );
export const forbidden = () =>
  new ApiError(403, "api.context.permissions.app_error", "You do not have the appropriate permissions.");
export const notFound = (what: string) => new ApiError(404, "app.not_found", `${what} not found.`);
export const invalidParam = (name: string, why: string) =>
  new ApiError(
    400,
    "api.context.invalid_body_param.app_error",
    `Invalid or missing ${name} in request body: ${why}.`,
  );
