import { Injectable, Logger } from '@nestjs/common';

export interface CreateUser {
  email: string;
  name?: string;
  /** Test switch: the first `failTimes` attempts for this email throw. */
  failTimes?: number;
  /** Test switch: every attempt throws. */
  poison?: boolean;
  /** Test switch: the work takes this long. */
  slowMs?: number;
}

export interface DeleteUser {
  email: string;
  failTimes?: number;
  poison?: boolean;
}

export interface User {
  id: number;
  email: string;
  name: string;
}

const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

/** The "database". Complete: your job is the controller and the transport options. */
@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);
  private readonly users = new Map<string, User>();
  private readonly deleted: string[] = [];
  private readonly attempts = new Map<string, number>();
  private nextId = 1;

  async create(data: CreateUser): Promise<User> {
    const attempt = this.countAttempt(`user_create:${data.email}`);
    this.logger.log(`user_create ${data.email}: attempt ${attempt} started`);
    if (data.slowMs) await sleep(data.slowMs);
    this.failIfAsked(`user_create ${data.email}`, attempt, data);
    // Idempotent: a redelivered message for an existing user changes nothing.
    let user = this.users.get(data.email);
    if (!user) {
      user = { id: this.nextId++, email: data.email, name: data.name ?? data.email };
      this.users.set(data.email, user);
    }
    this.logger.log(`user_create ${data.email}: done`);
    return user;
  }

  async remove(data: DeleteUser): Promise<void> {
    const attempt = this.countAttempt(`user_deleted:${data.email}`);
    this.logger.log(`user_deleted ${data.email}: attempt ${attempt} started`);
    this.failIfAsked(`user_deleted ${data.email}`, attempt, data);
    this.users.delete(data.email);
    if (!this.deleted.includes(data.email)) this.deleted.push(data.email);
    this.logger.log(`user_deleted ${data.email}: done`);
  }

  snapshot() {
    return {
      users: [...this.users.values()],
      deleted: [...this.deleted],
      attempts: Object.fromEntries(this.attempts),
    };
  }

  private countAttempt(key: string): number {
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    return attempt;
  }

  private failIfAsked(what: string, attempt: number, data: { poison?: boolean; failTimes?: number }): void {
    if (data.poison) throw new Error(`${what}: poison message, attempt ${attempt} failed`);
    if (attempt <= (data.failTimes ?? 0)) throw new Error(`${what}: transient failure on attempt ${attempt}`);
  }
}
