<?php
/**
 * Vafa e-mail: tier reached (plain text).
 *
 * Override by copying to yourtheme/woocommerce/emails/plain/vafa-tier-reached.php.
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
 * @var string              $tier               The tier's name in the customer's language.
 */

use Vafa\Format;

defined( 'ABSPATH' ) || exit;

echo '= ' . esc_html( wp_strip_all_tags( $email_heading ) ) . " =\n\n";
if ( '' !== $customer_name ) {
	/* translators: %s: customer's first name */
	echo esc_html( sprintf( __( 'Hi %s,', 'vafa' ), $customer_name ) ) . "\n\n";
}
/* translators: %s: tier name, e.g. Gold */
echo esc_html( sprintf( __( 'Congratulations! You are now %s.', 'vafa' ), $tier ) ) . "\n";
echo esc_html__( 'Your new status brings its own perks: see them in your account.', 'vafa' ) . "\n\n";
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
