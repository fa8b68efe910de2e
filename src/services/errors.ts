// Errors a service raises for the user to see: the route or error handler turns them into a
// page with the right status, never a 500.

/** Something the user asked for is not possible: 400, 403, 404, 409... with a message for them. */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what = "page") => new ServiceError(404, `The ${what} could not be found.`);
export const forbidden = (message = "You do not have permission to do that.") => new ServiceError(403, message);

/** A form value broke one of the partnership's rules; shown beside the field like a validation error. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
