<?php
/**
 * Vafa e-mail: reward issued (plain text).
 *
 * Override by copying to yourtheme/woocommerce/emails/plain/vafa-reward-issued.php.
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
 * @var string              $code               The coupon code.
 * @var string              $reward_name        The reward's name.
 * @var string              $value              What the code gives ("5.00 USD off").
 * @var string              $expires            Until when, as the locale writes it.
 * @var string              $why                Why it was issued, or ''.
 */

use Vafa\Format;

defined( 'ABSPATH' ) || exit;

echo '= ' . esc_html( wp_strip_all_tags( $email_heading ) ) . " =\n\n";
if ( '' !== $customer_name ) {
	/* translators: %s: customer's first name */
	echo esc_html( sprintf( __( 'Hi %s,', 'vafa' ), $customer_name ) ) . "\n\n";
}
if ( '' !== $why ) {
	echo esc_html( $why ) . "\n\n";
}
echo esc_html( $reward_name ) . ( '' !== $value && $value !== $reward_name ? ' - ' . esc_html( $value ) : '' ) . "\n";
echo esc_html__( 'Your code:', 'vafa' ) . ' ' . esc_html( $code ) . "\n";
echo esc_html__( 'Enter it as a coupon at checkout.', 'vafa' );
if ( '' !== $expires ) {
	/* translators: %s: date */
	echo ' ' . esc_html( sprintf( __( 'It can be used until %s.', 'vafa' ), $expires ) );
}
echo "\n\n";
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
