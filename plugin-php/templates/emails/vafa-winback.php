<?php
/**
 * Vafa e-mail: win-back (HTML).
 *
 * Override by copying to yourtheme/woocommerce/emails/vafa-winback.php.
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

do_action( 'woocommerce_email_header', $email_heading, $email );
?>
<div class="vafa-email vafa-email-winback" dir="<?php echo esc_attr( $dir ); ?>" style="direction: <?php echo esc_attr( $dir ); ?>; text-align: <?php echo 'rtl' === $dir ? 'right' : 'left'; ?>;">
<?php if ( '' !== $customer_name ) : ?>
	<?php /* translators: %s: customer's first name */ ?>
<p><?php echo esc_html( sprintf( __( 'Hi %s,', 'vafa' ), $customer_name ) ); ?></p>
<?php endif; ?>
<p><?php esc_html_e( 'It has been a while since your last order, and we miss you.', 'vafa' ); ?></p>
<?php if ( $points > 0 ) : ?>
	<?php /* translators: %s: points */ ?>
<p class="vafa-earned" data-points="<?php echo esc_attr( (string) $points ); ?>"><?php echo wp_kses( sprintf( esc_html__( 'To welcome you back, we added %s points to your account.', 'vafa' ), '<strong>' . esc_html( Format::points( $points, $locale ) ) . '</strong>' ), array( 'strong' => array() ) ); ?></p>
<?php endif; ?>
<?php if ( '' !== $code ) : ?>
	<?php /* translators: %s: what the code gives, e.g. "10% off" */ ?>
<p><?php echo esc_html( sprintf( __( 'Here is a code for your next order: %s.', 'vafa' ), $value ) ); ?></p>
<p class="vafa-code" dir="ltr" style="font-size: 20px; font-weight: bold; letter-spacing: 1px; text-align: center; border: 1px dashed #999; padding: 10px;"><?php echo esc_html( $code ); ?></p>
	<?php if ( '' !== $expires ) : ?>
		<?php /* translators: %s: date */ ?>
<p><?php echo esc_html( sprintf( __( 'It can be used until %s.', 'vafa' ), $expires ) ); ?></p>
	<?php endif; ?>
<?php endif; ?>
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
