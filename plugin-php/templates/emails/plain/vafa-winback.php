<?php
/**
 * Vafa e-mail: win-back (plain text).
 *
 * Override by copying to yourtheme/woocommerce/emails/plain/vafa-winback.php.
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
 * @var string              $days               Days since the last order, in the locale's digits.
 * @var int                 $points             Points given (0 when none).
 * @var string              $code               A reward code, or ''.
 * @var string              $value              What the code gives.
 * @var string              $expires            Until when the code can be used.
 */

use Vafa\Format;

defined( 'ABSPATH' ) || exit;

echo '= ' . esc_html( wp_strip_all_tags( $email_heading ) ) . " =\n\n";
if ( '' !== $customer_name ) {
	/* translators: %s: customer's first name */
	echo esc_html( sprintf( __( 'Hi %s,', 'vafa' ), $customer_name ) ) . "\n\n";
}
echo esc_html__( 'It has been a while since your last order, and we miss you.', 'vafa' ) . "\n\n";
if ( $points > 0 ) {
	/* translators: %s: points */
	echo esc_html( sprintf( __( 'To welcome you back, we added %s points to your account.', 'vafa' ), Format::points( $points, $locale ) ) ) . "\n\n";
}
if ( '' !== $code ) {
	/* translators: %s: what the code gives, e.g. "10% off" */
	echo esc_html( sprintf( __( 'Here is a code for your next order: %s.', 'vafa' ), $value ) ) . "\n";
	echo esc_html( $code ) . "\n";
	if ( '' !== $expires ) {
		/* translators: %s: date */
		echo esc_html( sprintf( __( 'It can be used until %s.', 'vafa' ), $expires ) ) . "\n";
	}
	echo "\n";
}
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
