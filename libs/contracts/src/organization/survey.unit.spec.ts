import { describe, expect, it } from '@jest/globals';
import { SurveyAnswers, SurveyQuestions, surveyAnswersProblem, type SurveyQuestion } from './survey.js';

const questions: SurveyQuestion[] = [
  { id: 'speed', text: 'How fast?', kind: 'scale', min: 0, max: 10 },
  { id: 'topic', text: 'About?', kind: 'choice', options: ['billing', 'shipping'] },
  { id: 'note', text: 'Anything else?', kind: 'text' },
];

describe('SurveyQuestions (the survey_questions setting)', () => {
  it('takes the three kinds and an empty list', () => {
    expect(SurveyQuestions.parse(questions)).toEqual(questions);
    expect(SurveyQuestions.parse([])).toEqual([]);
  });

  it.each<[string, unknown]>([
    ['the reserved id ces', [{ id: 'ces', text: 'Easy?', kind: 'scale', min: 1, max: 7 }]],
    ['a duplicate id', [questions[2], { ...questions[2] }]],
    ['an id with capitals', [{ id: 'Speed', text: 'x', kind: 'text' }]],
    ['an id starting with a digit', [{ id: '1st', text: 'x', kind: 'text' }]],
    ['an empty text', [{ id: 'a', text: '  ', kind: 'text' }]],
    ['an unknown kind', [{ id: 'a', text: 'x', kind: 'stars' }]],
    ['a scale with min not below max', [{ id: 'a', text: 'x', kind: 'scale', min: 5, max: 5 }]],
    ['a scale beyond 10', [{ id: 'a', text: 'x', kind: 'scale', min: 0, max: 11 }]],
    ['a scale of fractions', [{ id: 'a', text: 'x', kind: 'scale', min: 0.5, max: 3 }]],
    ['a choice with one option', [{ id: 'a', text: 'x', kind: 'choice', options: ['only'] }]],
    ['a choice with the same option twice', [{ id: 'a', text: 'x', kind: 'choice', options: ['a', 'a'] }]],
    ['an unknown field', [{ id: 'a', text: 'x', kind: 'text', required: true }]],
    ['eleven questions', Array.from({ length: 11 }, (_, i) => ({ id: `q${i}`, text: 'x', kind: 'text' }))],
  ])('refuses %s', (_, value) => {
    expect(SurveyQuestions.safeParse(value).success).toBe(false);
  });
});

describe('surveyAnswersProblem', () => {
  it('accepts answers that fit, CES alone, and CES at both ends', () => {
    expect(surveyAnswersProblem(questions, { ces: 1, speed: 0, topic: 'shipping', note: 'thanks' })).toBeUndefined();
    expect(surveyAnswersProblem([], { ces: 7 })).toBeUndefined();
    expect(surveyAnswersProblem(questions, { speed: 10 })).toBeUndefined();
  });

  it.each<[string, Record<string, number | string>, string]>([
    ['CES 0', { ces: 0 }, 'answers.ces'],
    ['CES 8', { ces: 8 }, 'answers.ces'],
    ['CES as text', { ces: 'easy' }, 'answers.ces'],
    ['an unknown question', { colour: 'red' }, 'no question "colour"'],
    ['a scale answer out of range', { speed: 11 }, 'from 0 to 10'],
    ['a choice not offered', { topic: 'Billing' }, 'expected one of'],
    ['a blank text', { note: ' ' }, 'answers.note'],
    ['a text beyond its length', { note: 'x'.repeat(2001) }, 'answers.note'],
  ])('names the problem with %s', (_, answers, problem) => {
    expect(surveyAnswersProblem(questions, answers)).toContain(problem);
  });
});

describe('SurveyAnswers (the answers of answer_survey)', () => {
  it('refuses no answer at all, fractions and other types', () => {
    expect(SurveyAnswers.safeParse({}).success).toBe(false);
    expect(SurveyAnswers.safeParse({ ces: 5.5 }).success).toBe(false);
    expect(SurveyAnswers.safeParse({ ces: true }).success).toBe(false);
    expect(SurveyAnswers.safeParse({ ces: null }).success).toBe(false);
    expect(SurveyAnswers.safeParse({ 'Bad Id': 1 }).success).toBe(false);
    expect(SurveyAnswers.safeParse({ ces: 5 }).success).toBe(true);
  });
});
