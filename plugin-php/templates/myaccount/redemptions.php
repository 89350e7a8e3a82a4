<?php
/**
 * The shopper's issued rewards: code, state and expiry, with a copy button.
 *
 * Override by copying to yourtheme/vafa/myaccount/redemptions.php.
 *
 * @package Vafa
 *
 * @var array<int,array<string,mixed>> $issued The service's redemptions, newest first.
 */

use Vafa\Format;

defined( 'ABSPATH' ) || exit;
if ( ! $issued ) {
	return;
}
$vafa_states = array(
	'issued'   => __( 'Ready to use', 'vafa' ),
	'applied'  => __( 'On an unpaid order', 'vafa' ),
	'used'     => __( 'Used', 'vafa' ),
	'released' => __( 'Released', 'vafa' ),
	'expired'  => __( 'Expired', 'vafa' ),
	'returned' => __( 'Returned', 'vafa' ),
);
?>
<h3><?php esc_html_e( 'Your rewards', 'vafa' ); ?></h3>
<table class="vafa vafa-redemptions shop_table"><thead><tr><th><?php esc_html_e( 'Code', 'vafa' ); ?></th><th><?php esc_html_e( 'Points', 'vafa' ); ?></th><th><?php esc_html_e( 'State', 'vafa' ); ?></th><th><?php esc_html_e( 'Expires', 'vafa' ); ?></th></tr></thead><tbody>
<?php foreach ( $issued as $vafa_r ) : ?>
<tr><td><code class="vafa-code"><?php echo esc_html( (string) $vafa_r['code'] ); ?></code>
	<?php if ( 'issued' === $vafa_r['state'] ) : ?>
	<button type="button" class="button vafa-copy" data-code="<?php echo esc_attr( (string) $vafa_r['code'] ); ?>" onclick="navigator.clipboard&&navigator.clipboard.writeText(this.dataset.code)"><?php esc_html_e( 'Copy', 'vafa' ); ?></button>
	<?php endif; ?>
</td><td><?php echo esc_html( Format::points( (int) $vafa_r['points'], determine_locale() ) ); ?></td><td class="vafa-state" data-state="<?php echo esc_attr( (string) $vafa_r['state'] ); ?>"><?php echo esc_html( $vafa_states[ $vafa_r['state'] ] ?? (string) $vafa_r['state'] ); ?></td><td><?php echo esc_html( Format::date( Format::unix( (string) $vafa_r['expires_at'] ), determine_locale() ) ); ?></td></tr>
<?php endforeach; ?>
</tbody></table>
