import { z } from 'zod';
import { SafeString } from '../common.js';

/**
 * The post-chat survey (docs/protocol.md, `answer_survey`; docs/metrics.md, CES). Every survey
 * asks CES — "how easy was it to get your issue handled?", 1 (very hard) to 7 (very easy) —
 * under the reserved id `ces`; an organization adds its own questions with the
 * `survey_questions` setting of `PATCH /v1/organizations/:id`.
 */

/** The reserved id of the CES question. */
export const CES_QUESTION_ID = 'ces';
export const CES_MIN = 1;
export const CES_MAX = 7;
/** The most questions of an organization's own (CES not counted). */
export const MAX_SURVEY_QUESTIONS = 10;
/** The longest text answer a `text` question may allow. */
export const MAX_SURVEY_TEXT_ANSWER = 2000;

/** A question id: lowercase letters, digits and `_`, starting with a letter; `ces` is reserved. */
export const SurveyQuestionId = SafeString.regex(
  /^[a-z][a-z0-9_]{0,39}$/,
  'a question id is lowercase letters, digits and _, starting with a letter (at most 40)',
);

const QuestionBase = {
  id: SurveyQuestionId,
  text: SafeString.trim().min(1).max(500).describe('The question as the customer reads it'),
};

export const SurveyQuestion = z.discriminatedUnion('kind', [
  z
    .object({
      ...QuestionBase,
      kind: z.literal('scale'),
      min: z.number().int().min(0).max(10).describe('The lowest answer, 0 to 10'),
      max: z.number().int().min(1).max(10).describe('The highest answer, 1 to 10, above min'),
    })
    .strict()
    .refine((question) => question.min < question.max, {
      message: 'a scale question needs min below max',
      path: ['max'],
    }),
  z
    .object({
      ...QuestionBase,
      kind: z.literal('text'),
      max_length: z
        .number()
        .int()
        .min(1)
        .max(MAX_SURVEY_TEXT_ANSWER)
        .optional()
        .describe(`The longest answer in characters; default ${MAX_SURVEY_TEXT_ANSWER}`),
    })
    .strict(),
  z
    .object({
      ...QuestionBase,
      kind: z.literal('choice'),
      options: z
        .array(SafeString.trim().min(1).max(100))
        .min(2)
        .max(10)
        .refine((options) => new Set(options).size === options.length, {
          message: 'options must differ from each other',
        })
        .describe('The answers offered; the customer picks one'),
    })
    .strict(),
]);
export type SurveyQuestion = z.infer<typeof SurveyQuestion>;

/** An organization's own questions, in the order they are asked: ids unique, `ces` reserved. */
export const SurveyQuestions = z
  .array(SurveyQuestion)
  .max(MAX_SURVEY_QUESTIONS)
  .superRefine((questions, context) => {
    const seen = new Set<string>();
    questions.forEach((question, index) => {
      if (question.id === CES_QUESTION_ID) {
        context.addIssue({
          code: 'custom',
          path: [index, 'id'],
          message: `"${CES_QUESTION_ID}" is the CES question every survey asks; choose another id`,
        });
      } else if (seen.has(question.id)) {
        context.addIssue({
          code: 'custom',
          path: [index, 'id'],
          message: `two questions have the id "${question.id}"`,
        });
      }
      seen.add(question.id);
    });
  });
export type SurveyQuestions = z.infer<typeof SurveyQuestions>;

/**
 * The answers of one `answer_survey`, by question id: `ces` a whole number 1–7, a `scale`
 * question a whole number in its range, a `text` question a string, a `choice` question one of
 * its options. Checked against the organization's questions by `surveyAnswersProblem`.
 */
export const SurveyAnswers = z
  .record(SurveyQuestionId, z.union([z.number().int(), SafeString.max(MAX_SURVEY_TEXT_ANSWER)]))
  .refine((answers) => Object.keys(answers).length > 0, { message: 'answer at least one question' })
  .refine((answers) => Object.keys(answers).length <= MAX_SURVEY_QUESTIONS + 1, {
    message: 'more answers than questions',
  });
export type SurveyAnswers = z.infer<typeof SurveyAnswers>;

/**
 * What is wrong with `answers` against the organization's `questions`, or undefined when they
 * fit: an unknown question id, a number out of range, a text too long, a choice not offered.
 */
export function surveyAnswersProblem(questions: readonly SurveyQuestion[], answers: SurveyAnswers): string | undefined {
  const byId = new Map(questions.map((question) => [question.id, question]));
  for (const [id, value] of Object.entries(answers)) {
    if (id === CES_QUESTION_ID) {
      if (typeof value !== 'number' || value < CES_MIN || value > CES_MAX)
        return `answers.ces: expected a whole number from ${CES_MIN} to ${CES_MAX}`;
      continue;
    }
    const question = byId.get(id);
    if (!question) return `answers.${id}: the survey has no question "${id}"`;
    switch (question.kind) {
      case 'scale':
        if (typeof value !== 'number' || value < question.min || value > question.max) {
          return `answers.${id}: expected a whole number from ${question.min} to ${question.max}`;
        }
        break;
      case 'text': {
        const maxLength = question.max_length ?? MAX_SURVEY_TEXT_ANSWER;
        if (typeof value !== 'string' || value.trim().length === 0 || value.length > maxLength) {
          return `answers.${id}: expected a text of 1 to ${maxLength} characters`;
        }
        break;
      }
      case 'choice':
        if (typeof value !== 'string' || !question.options.includes(value)) {
          return `answers.${id}: expected one of ${question.options.map((option) => JSON.stringify(option)).join(', ')}`;
        }
        break;
    }
  }
  return undefined;
}
