import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One Powertools logger per function. Messages are constants; data goes in fields. Never log a
 * whole event or a function configuration: both can carry secret values.
 */
export function createLogger(serviceName = 'warden'): Logger {
  return new Logger({ serviceName });
}
