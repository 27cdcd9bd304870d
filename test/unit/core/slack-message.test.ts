import { slackMessageOf } from '../../../domain/notifications/slack-message';

describe('slackMessageOf', () => {
  it('builds a header and a section from subject and body', () => {
    const message = slackMessageOf('[Warden] critical: admin granted', 'role <app> & more');
    expect(message.text).toBe('[Warden] critical: admin granted');
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: '[Warden] critical: admin granted' } });
    expect(message.blocks[1]).toMatchObject({ type: 'section', text: { type: 'mrkdwn', text: 'role &lt;app&gt; &amp; more' } });
  });

  it('keeps within Slack limits', () => {
    const message = slackMessageOf('s'.repeat(400), 'b'.repeat(10_000));
    const header = message.blocks[0] as { text: { text: string } };
    const section = message.blocks[1] as { text: { text: string } };
    expect(header.text.text.length).toBeLessThanOrEqual(150);
    expect(section.text.text.length).toBeLessThanOrEqual(3000);
  });

  it('falls back to a generic title', () => {
    expect(slackMessageOf('  ', 'x').text).toBe('Warden notification');
  });
});
