<?php
/**
 * Vafa e-mail: tier reached (HTML).
 *
 * Override by copying to yourtheme/woocommerce/emails/vafa-tier-reached.php.
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

do_action( 'woocommerce_email_header', $email_heading, $email );
?>
<div class="vafa-email vafa-email-tier-reached" dir="<?php echo esc_attr( $dir ); ?>" style="direction: <?php echo esc_attr( $dir ); ?>; text-align: <?php echo 'rtl' === $dir ? 'right' : 'left'; ?>;">
<?php if ( '' !== $customer_name ) : ?>
	<?php /* translators: %s: customer's first name */ ?>
<p><?php echo esc_html( sprintf( __( 'Hi %s,', 'vafa' ), $customer_name ) ); ?></p>
<?php endif; ?>
<?php /* translators: %s: tier name, e.g. Gold */ ?>
<p class="vafa-tier"><?php echo wp_kses( sprintf( esc_html__( 'Congratulations! You are now %s.', 'vafa' ), '<strong><bdi>' . esc_html( $tier ) . '</bdi></strong>' ), array( 'strong' => array(), 'bdi' => array() ) ); ?></p>
<p><?php esc_html_e( 'Your new status brings its own perks: see them in your account.', 'vafa' ); ?></p>
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
