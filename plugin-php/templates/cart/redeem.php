<?php
/**
 * "Use your points": the balance and the rewards the shopper can redeem.
 *
 * Override by copying to yourtheme/vafa/cart/redeem.php. The form must keep
 * its fields (vafa_reward, vafa_points, vafa_redeem_token and the nonce).
 *
 * @package Vafa
 *
 * @var array{available:int,items:array} $catalog The catalog with affordable and reason per reward.
 * @var array<string,mixed>|null         $program The program (redemption rate and bounds).
 * @var array{min:int,max:int}           $bounds  Pay with points: fewest and most points for this cart.
 * @var string                           $token   One-time form token (the Idempotency-Key).
 * @var string                           $action  Nonce action.
 */

use Vafa\Format;

defined( 'ABSPATH' ) || exit;
$vafa_locale = determine_locale();
?>
<form method="post" class="vafa vafa-redeem" dir="<?php echo Format::is_rtl( $vafa_locale ) ? 'rtl' : 'ltr'; ?>">
	<h3><?php esc_html_e( 'Use your points', 'vafa' ); ?></h3>
	<?php /* translators: %s: number of points */ ?>
	<p class="vafa-available" data-points="<?php echo esc_attr( (string) (int) $catalog['available'] ); ?>"><?php echo esc_html( sprintf( __( 'You have %s points.', 'vafa' ), Format::points( (int) $catalog['available'], $vafa_locale ) ) ); ?></p>
	<?php foreach ( $catalog['items'] as $vafa_reward ) : ?>
		<?php
		$vafa_name = (string) ( $vafa_reward['names'][ $vafa_locale ] ?? $vafa_reward['names'][ substr( $vafa_locale, 0, 2 ) ] ?? $vafa_reward['names']['en'] ?? '' );
		?>
	<p class="vafa-reward">
		<label><input type="radio" name="vafa_reward" value="<?php echo esc_attr( (string) $vafa_reward['id'] ); ?>" <?php disabled( empty( $vafa_reward['affordable'] ) ); ?> required>
		<?php echo esc_html( $vafa_name ); ?>
		<?php if ( 'points_discount' !== $vafa_reward['kind'] ) : ?>
			<?php /* translators: %s: points the reward costs */ ?>
			— <?php echo esc_html( sprintf( __( '%s points', 'vafa' ), Format::points( (int) $vafa_reward['points_cost'], $vafa_locale ) ) ); ?>
		<?php else : ?>
			<input type="number" name="vafa_points" min="<?php echo esc_attr( (string) $bounds['min'] ); ?>" max="<?php echo esc_attr( (string) max( 0, $bounds['max'] ) ); ?>" step="1" placeholder="<?php esc_attr_e( 'Points', 'vafa' ); ?>" <?php disabled( $bounds['max'] < $bounds['min'] ); ?>>
			<?php /* translators: 1: fewest points, 2: most points */ ?>
			<span class="vafa-bounds"><?php echo esc_html( sprintf( __( 'From %1$s to %2$s points', 'vafa' ), Format::points( $bounds['min'], $vafa_locale ), Format::points( max( 0, $bounds['max'] ), $vafa_locale ) ) ); ?></span>
		<?php endif; ?>
		</label>
		<?php if ( empty( $vafa_reward['affordable'] ) ) : ?>
			<?php if ( ! empty( $vafa_reward['reserved_for'] ) && 0 === strpos( (string) ( $vafa_reward['reason'] ?? '' ), 'for ' ) ) : ?>
				<?php /* translators: %s: tier name, e.g. Gold */ ?>
		<span class="vafa-reason vafa-reserved"><?php echo esc_html( sprintf( __( 'For %s members and above.', 'vafa' ), \Vafa\Tiers\Status::name( (array) $vafa_reward['reserved_for']['names'], $vafa_locale ) ) ); ?></span>
			<?php elseif ( (int) $catalog['available'] < 0 ) : ?>
		<span class="vafa-reason"><?php esc_html_e( 'Your balance is negative.', 'vafa' ); ?></span>
			<?php else : ?>
				<?php /* translators: %s: points still missing */ ?>
		<span class="vafa-reason"><?php echo esc_html( sprintf( __( 'You need %s more points.', 'vafa' ), Format::points( max( 1, (int) $vafa_reward['points_cost'] - (int) $catalog['available'] ), $vafa_locale ) ) ); ?></span>
			<?php endif; ?>
		<?php endif; ?>
	</p>
	<?php endforeach; ?>
	<input type="hidden" name="vafa_redeem_token" value="<?php echo esc_attr( $token ); ?>">
	<?php wp_nonce_field( $action ); ?>
	<button type="submit" class="button"><?php esc_html_e( 'Redeem', 'vafa' ); ?></button>
</form>
