<?php
/**
 * Vafa e-mail: survey request (HTML).
 *
 * Override by copying to yourtheme/woocommerce/emails/vafa-survey-request.php.
 *
 * @package Vafa
 *
 * @var string              $email_heading      Heading.
 * @var string              $additional_content The store's additional content.
 * @var \WC_Email           $email              The e-mail.
 * @var array<string,mixed> $data               The event's data.
 * @var string              $locale             The customer's locale.
 * @var string              $dir                rtl or ltr.
 * @var string              $customer_name      First name, or ''.
 * @var array|null          $balance            available and pending points, when the event has them.
 * @var string              $rewards_url        My Account > Rewards.
 * @var string              $order_number       The order number.
 * @var string              $survey_url         The survey in My Account.
 * @var string              $question           The store's own question, or ''.
 * @var int                 $bonus              Points for answering (0 when none).
 */

use Vafa\Format;

defined( 'ABSPATH' ) || exit;

do_action( 'woocommerce_email_header', $email_heading, $email );
?>
<div class="vafa-email vafa-email-survey-request" dir="<?php echo esc_attr( $dir ); ?>" style="direction: <?php echo esc_attr( $dir ); ?>; text-align: <?php echo 'rtl' === $dir ? 'right' : 'left'; ?>;">
<?php if ( '' !== $customer_name ) : ?>
	<?php /* translators: %s: customer's first name */ ?>
<p><?php echo esc_html( sprintf( __( 'Hi %s,', 'vafa' ), $customer_name ) ); ?></p>
<?php endif; ?>
<?php /* translators: %s: order number */ ?>
<p><?php echo esc_html( sprintf( __( 'Thank you for your order #%s. How did we do? It takes a minute: a rating from 1 to 5 and, if you like, a comment.', 'vafa' ), $order_number ) ); ?></p>
<?php if ( '' !== $question ) : ?>
	<?php /* translators: %s: the store's own survey question */ ?>
<p class="vafa-survey-question"><?php echo esc_html( sprintf( __( 'And one question from us: %s', 'vafa' ), $question ) ); ?></p>
<?php endif; ?>
<?php if ( $bonus > 0 ) : ?>
	<?php /* translators: %s: points */ ?>
<p class="vafa-survey-bonus"><?php echo esc_html( sprintf( __( 'You will get %s points for your answer.', 'vafa' ), Format::points( $bonus, $locale ) ) ); ?></p>
<?php endif; ?>
<p style="text-align: center;"><a class="vafa-survey-link" href="<?php echo esc_url( $survey_url ); ?>" style="display: inline-block; padding: 10px 20px; border-radius: 3px; background: #7f54b3; color: #ffffff; text-decoration: none;"><?php esc_html_e( 'Rate your order', 'vafa' ); ?></a></p>
<?php if ( is_array( $balance ) ) : ?>
	<?php /* translators: %s: points */ ?>
<p class="vafa-balance" data-available="<?php echo esc_attr( (string) (int) ( $balance['available'] ?? 0 ) ); ?>"><?php echo esc_html( sprintf( __( 'Your balance: %s points.', 'vafa' ), Format::points( (int) ( $balance['available'] ?? 0 ), $locale ) ) ); ?></p>
<?php endif; ?>
<p><a href="<?php echo esc_url( $rewards_url ); ?>"><?php esc_html_e( 'See your points and rewards', 'vafa' ); ?></a></p>
</div>
<?php
if ( $additional_content ) {
	echo wp_kses_post( wpautop( wptexturize( $additional_content ) ) );
}
do_action( 'woocommerce_email_footer', $email );
