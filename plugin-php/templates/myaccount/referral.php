<?php
/**
 * My Account > Rewards: the shopper's referral link, share buttons and results.
 *
 * Override by copying to yourtheme/vafa/myaccount/referral.php.
 *
 * @package Vafa
 *
 * @var array<string,mixed>  $page   GET /v1/me/referral: code, link, pending, approved, rejected, points_earned, friends.
 * @var array<string,string> $shares Share URLs by network (whatsapp, telegram, x, email).
 * @var string               $locale The shopper's locale.
 *
 * Codes and masked names are isolated (bdi) so "N***" reads the same in right-to-left text.
 */

use Vafa\Format;

defined( 'ABSPATH' ) || exit;
$vafa_states = array(
	'pending'  => __( 'Waiting for their order to be final', 'vafa' ),
	'approved' => __( 'Rewarded', 'vafa' ),
	'rejected' => __( 'Not rewarded', 'vafa' ),
);
$vafa_labels = array(
	'whatsapp' => 'WhatsApp',
	'telegram' => 'Telegram',
	'x'        => 'X',
	'email'    => __( 'E-mail', 'vafa' ),
);
?>
<section class="vafa vafa-referral" dir="<?php echo Format::is_rtl( $locale ) ? 'rtl' : 'ltr'; ?>">
	<h3><?php esc_html_e( 'Invite friends', 'vafa' ); ?></h3>
	<p><?php esc_html_e( 'Share your link: friends who place their first order through it get a welcome gift, and you are rewarded once their order is final.', 'vafa' ); ?></p>
	<p class="vafa-referral-link">
		<input type="text" readonly dir="ltr" value="<?php echo esc_attr( (string) $page['link'] ); ?>" onclick="this.select()">
		<button type="button" class="button vafa-copy" data-code="<?php echo esc_attr( (string) $page['link'] ); ?>" onclick="navigator.clipboard&&navigator.clipboard.writeText(this.dataset.code)"><?php esc_html_e( 'Copy', 'vafa' ); ?></button>
	</p>
	<?php /* translators: %s: the referral code */ ?>
	<p class="vafa-referral-code"><?php echo wp_kses( sprintf( esc_html__( 'Your code: %s', 'vafa' ), '<bdi>' . esc_html( (string) $page['code'] ) . '</bdi>' ), array( 'bdi' => array() ) ); ?></p>
	<p class="vafa-share">
	<?php foreach ( $shares as $vafa_net => $vafa_url ) : ?>
		<a class="button vafa-share-<?php echo esc_attr( $vafa_net ); ?>" href="<?php echo esc_url( $vafa_url, array( 'https', 'mailto' ) ); ?>" target="_blank" rel="noopener noreferrer"><?php echo esc_html( $vafa_labels[ $vafa_net ] ?? $vafa_net ); ?></a>
	<?php endforeach; ?>
	</p>
	<?php /* translators: 1: friends rewarded, 2: friends waiting, 3: points earned */ ?>
	<p class="vafa-referral-stats" data-approved="<?php echo esc_attr( (string) (int) $page['approved'] ); ?>" data-points="<?php echo esc_attr( (string) (int) $page['points_earned'] ); ?>"><?php echo esc_html( sprintf( __( '%1$s friends rewarded, %2$s waiting; %3$s points earned from referrals.', 'vafa' ), Format::integer( (int) $page['approved'], $locale ), Format::integer( (int) $page['pending'], $locale ), Format::points( (int) $page['points_earned'], $locale ) ) ); ?></p>
	<?php if ( ! empty( $page['friends'] ) ) : ?>
	<table class="vafa-friends shop_table"><tbody>
		<?php foreach ( (array) $page['friends'] as $vafa_f ) : ?>
		<tr><td><bdi><?php echo esc_html( (string) ( $vafa_f['name'] ?? '' ) ); ?></bdi></td><td class="vafa-state" data-state="<?php echo esc_attr( (string) $vafa_f['state'] ); ?>"><?php echo esc_html( $vafa_states[ $vafa_f['state'] ] ?? (string) $vafa_f['state'] ); ?></td><td><?php echo esc_html( Format::date( Format::unix( (string) $vafa_f['created_at'] ), $locale ) ); ?></td></tr>
		<?php endforeach; ?>
	</tbody></table>
	<?php endif; ?>
</section>
