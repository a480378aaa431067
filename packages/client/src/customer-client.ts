import { LivedeskClient, type ClientOptions } from './client.js';
import type { CesScore, CustomerActions, CustomerPushes, SurveyAnswers, VersionResponse } from './protocol.js';

/** A website visitor or app user on `/v1/customer/rtm`. */
export class CustomerClient extends LivedeskClient<CustomerActions, CustomerPushes> {
  constructor(options: ClientOptions) {
    super('customer', options);
  }

  /** Opens a chat and follows it: its events, the first message included, arrive as `chat_event`. */
  async startChat(request: CustomerActions['start_chat']['request'] = {}): Promise<VersionResponse> {
    const started = await this.request('start_chat', request);
    this.follow(started.chat_id);
    return started;
  }

  /**
   * Answers the post-chat survey of a chat someone served: CES (`{ ces: 1…7 }`) and the
   * organization's own questions by id. An unknown question or a value out of range is refused
   * with `validation` and stores nothing; answering a question again replaces the answer.
   */
  answerSurvey(chatId: string, answers: SurveyAnswers & { ces?: CesScore }): Promise<VersionResponse> {
    return this.request('answer_survey', { chat_id: chatId, answers });
  }
}
