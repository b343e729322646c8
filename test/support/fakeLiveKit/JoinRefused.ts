/** The server's `/rtc` endpoint refused a connection, with the HTTP status it answers. */
export class JoinRefused extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'JoinRefused';
    this.status = status;
  }
}
