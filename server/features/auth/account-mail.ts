// The mails an account gets about itself: verify the address, reset the password, confirm a new address.
import { newMessageId, type MailMessage } from '../../mail/message.js';
import { renderMailBody } from '../../mail/layout.js';

export function accountMail(publicUrl: string) {
  const link = (path: string, token: string) => `${publicUrl}${path}?token=${encodeURIComponent(token)}`;
  const message = (subject: string, body: Parameters<typeof renderMailBody>[0]): MailMessage => ({
    subject,
    ...renderMailBody(body),
    messageId: newMessageId(publicUrl, 'account'),
  });
  return {
    verifyEmail: (displayName: string, token: string) =>
      message('Confirm your email address for Stoa', {
        paragraphs: [`Hello ${displayName},`, 'Please confirm that this is your address. Until you do, Stoa sends you no notification mail.'],
        action: { label: 'Confirm my address', url: link('/verify-email', token) },
        footer: ['If you did not create an account, ignore this mail.'],
      }),
    passwordReset: (displayName: string, token: string) =>
      message('Reset your Stoa password', {
        paragraphs: [
          `Hello ${displayName},`,
          'Someone (we hope you) asked to reset the password of your Stoa account. The link works once, for one hour. Setting a new password signs you out everywhere.',
        ],
        action: { label: 'Choose a new password', url: link('/reset-password', token) },
        footer: ['If you did not ask for this, ignore this mail: your password stays as it is.'],
      }),
    changeEmail: (displayName: string, token: string) =>
      message('Confirm your new email address for Stoa', {
        paragraphs: [`Hello ${displayName},`, 'You asked to use this address for your Stoa account. It takes effect when you confirm it (within 24 hours).'],
        action: { label: 'Use this address', url: link('/verify-email', token) },
        footer: ['If you did not ask for this, ignore this mail.'],
      }),
  };
}
