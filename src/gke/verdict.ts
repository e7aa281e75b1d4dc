import type { MessageData, ReportDescriptor } from '../engine/check.js';

/**
 * What a domain rule found, told with the messages of the check that asked (its message ids,
 * its fix summary's id): the check turns it into `context.report`, its fix into a Fix.
 */
export type Verdict<MessageId extends string> = Omit<ReportDescriptor<MessageId>, 'fix'> & {
  data: MessageData;
  evidence: Record<string, unknown>;
  fix: { summary: MessageId; summaryData?: MessageData; commands: string[] };
};
