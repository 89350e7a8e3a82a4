<?php
/**
 * Vafa e-mail: birthday gift (HTML).
 *
 * Override by copying to yourtheme/woocommerce/emails/vafa-birthday-gift.php.
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
 */

use Vafa\Format;

defined( 'ABSPATH' ) || exit;

do_action( 'woocommerce_email_header', $email_heading, $email );
?>
<div class="vafa-email vafa-email-birthday-gift" dir="<?php echo esc_attr( $dir ); ?>" style="direction: <?php echo esc_attr( $dir ); ?>; text-align: <?php echo 'rtl' === $dir ? 'right' : 'left'; ?>;">
<?php if ( '' !== $customer_name ) : ?>
	<?php /* translators: %s: customer's first name */ ?>
<p><?php echo esc_html( sprintf( __( 'Hi %s,', 'vafa' ), $customer_name ) ); ?></p>
<?php endif; ?>
<p><?php esc_html_e( 'Happy birthday! We wish you a wonderful year.', 'vafa' ); ?></p>
<?php if ( (int) ( $data['points'] ?? 0 ) > 0 ) : ?>
	<?php /* translators: %s: points */ ?>
<p class="vafa-earned" data-points="<?php echo esc_attr( (string) (int) $data['points'] ); ?>"><?php echo wp_kses( sprintf( esc_html__( 'To celebrate, we added %s points to your account.', 'vafa' ), '<strong>' . esc_html( Format::points( (int) $data['points'], $locale ) ) . '</strong>' ), array( 'strong' => array() ) ); ?></p>
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
