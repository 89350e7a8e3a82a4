<?php
/**
 * Vafa e-mail: survey request (plain text).
 *
 * Override by copying to yourtheme/woocommerce/emails/plain/vafa-survey-request.php.
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

echo '= ' . esc_html( wp_strip_all_tags( $email_heading ) ) . " =\n\n";
if ( '' !== $customer_name ) {
	/* translators: %s: customer's first name */
	echo esc_html( sprintf( __( 'Hi %s,', 'vafa' ), $customer_name ) ) . "\n\n";
}
/* translators: %s: order number */
echo esc_html( sprintf( __( 'Thank you for your order #%s. How did we do? It takes a minute: a rating from 1 to 5 and, if you like, a comment.', 'vafa' ), $order_number ) ) . "\n\n";
if ( '' !== $question ) {
	/* translators: %s: the store's own survey question */
	echo esc_html( sprintf( __( 'And one question from us: %s', 'vafa' ), $question ) ) . "\n\n";
}
if ( $bonus > 0 ) {
	/* translators: %s: points */
	echo esc_html( sprintf( __( 'You will get %s points for your answer.', 'vafa' ), Format::points( $bonus, $locale ) ) ) . "\n\n";
}
echo esc_html__( 'Rate your order', 'vafa' ) . ': ' . esc_url_raw( $survey_url ) . "\n\n";
if ( is_array( $balance ) ) {
	/* translators: %s: points */
	echo esc_html( sprintf( __( 'Your balance: %s points.', 'vafa' ), Format::points( (int) ( $balance['available'] ?? 0 ), $locale ) ) ) . "\n\n";
}
echo esc_html__( 'See your points and rewards', 'vafa' ) . ': ' . esc_url_raw( $rewards_url ) . "\n\n";
echo "----------------------------------------\n\n";
if ( $additional_content ) {
	echo esc_html( wp_strip_all_tags( wptexturize( $additional_content ) ) ) . "\n\n----------------------------------------\n\n";
}
echo wp_kses_post( apply_filters( 'woocommerce_email_footer_text', get_option( 'woocommerce_email_footer_text' ) ) );
