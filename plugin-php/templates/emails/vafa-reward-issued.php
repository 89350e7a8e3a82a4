<?php
/**
 * Vafa e-mail: reward issued (HTML).
 *
 * Override by copying to yourtheme/woocommerce/emails/vafa-reward-issued.php.
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

do_action( 'woocommerce_email_header', $email_heading, $email );
?>
<div class="vafa-email vafa-email-reward-issued" dir="<?php echo esc_attr( $dir ); ?>" style="direction: <?php echo esc_attr( $dir ); ?>; text-align: <?php echo 'rtl' === $dir ? 'right' : 'left'; ?>;">
<?php if ( '' !== $customer_name ) : ?>
	<?php /* translators: %s: customer's first name */ ?>
<p><?php echo esc_html( sprintf( __( 'Hi %s,', 'vafa' ), $customer_name ) ); ?></p>
<?php endif; ?>
<?php if ( '' !== $why ) : ?>
<p><?php echo esc_html( $why ); ?></p>
<?php endif; ?>
<p class="vafa-reward"><strong><?php echo esc_html( $reward_name ); ?></strong><?php echo '' !== $value && $value !== $reward_name ? ' &mdash; ' . esc_html( $value ) : ''; ?></p>
<p><?php esc_html_e( 'Your code:', 'vafa' ); ?></p>
<p class="vafa-code" dir="ltr" style="font-size: 20px; font-weight: bold; letter-spacing: 1px; text-align: center; border: 1px dashed #999; padding: 10px;"><?php echo esc_html( $code ); ?></p>
<p><?php esc_html_e( 'Enter it as a coupon at checkout.', 'vafa' ); ?>
<?php if ( '' !== $expires ) : ?>
	<?php /* translators: %s: date */ ?>
	<?php echo esc_html( sprintf( __( 'It can be used until %s.', 'vafa' ), $expires ) ); ?>
<?php endif; ?>
</p>
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
