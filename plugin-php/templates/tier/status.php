<?php
/**
 * The shopper's VIP tier: badge, perks, progress to the next tier.
 *
 * Override by copying to yourtheme/vafa/tier/status.php.
 *
 * @package Vafa
 *
 * @var array<string,mixed>|null $tier      The tier held (the service's /v1/me "tier"), or null.
 * @var string                   $name      Its name in the shopper's locale.
 * @var array<string,mixed>|null $next      The next tier and what is missing ("next_tier"), or null at the top.
 * @var string                   $next_name Its name in the shopper's locale.
 * @var int                      $percent   Progress to the next tier, 0 to 100.
 * @var string                   $currency  Store currency.
 * @var int                      $exponent  Currency exponent.
 * @var string                   $locale    The shopper's locale.
 */

use Vafa\Format;

defined( 'ABSPATH' ) || exit;
?>
<div class="vafa vafa-tier" dir="<?php echo Format::is_rtl( $locale ) ? 'rtl' : 'ltr'; ?>" data-tier="<?php echo esc_attr( $tier ? (string) $tier['id'] : '' ); ?>">
<?php if ( $tier ) : ?>
	<?php /* translators: %s: tier name, e.g. Gold */ ?>
<p class="vafa-tier-badge"><span class="vafa-label"><?php esc_html_e( 'Your status', 'vafa' ); ?></span> <strong class="vafa-tier-name"><bdi><?php echo esc_html( $name ); ?></bdi></strong></p>
<ul class="vafa-tier-perks">
	<?php if ( '1' !== (string) $tier['multiplier'] ) : ?>
		<?php /* translators: %s: earn multiplier, e.g. 1.5 */ ?>
	<li class="vafa-perk-multiplier"><?php echo esc_html( sprintf( __( '%s× points on every order', 'vafa' ), Format::decimal( (string) $tier['multiplier'], $locale ) ) ); ?></li>
	<?php endif; ?>
	<?php if ( ! empty( $tier['perks']['free_shipping'] ) ) : ?>
	<li class="vafa-perk-shipping"><?php esc_html_e( 'Free shipping on your orders', 'vafa' ); ?></li>
	<?php endif; ?>
	<?php if ( ! empty( $tier['perks']['birthday_points'] ) ) : ?>
		<?php /* translators: %s: points */ ?>
	<li class="vafa-perk-birthday"><?php echo esc_html( sprintf( __( '%s points on your birthday', 'vafa' ), Format::points( (int) $tier['perks']['birthday_points'], $locale ) ) ); ?></li>
	<?php endif; ?>
</ul>
	<?php if ( ! empty( $tier['downgrade_at'] ) ) : ?>
		<?php /* translators: 1: tier name, 2: date */ ?>
<p class="vafa-tier-grace"><?php echo esc_html( sprintf( __( 'You are below the %1$s threshold: the status ends on %2$s unless you qualify again.', 'vafa' ), $name, Format::date( Format::unix( (string) $tier['downgrade_at'] ), $locale ) ) ); ?></p>
	<?php endif; ?>
<?php endif; ?>
<?php if ( $next ) : ?>
<div class="vafa-tier-progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="<?php echo esc_attr( (string) $percent ); ?>"><span style="width:<?php echo esc_attr( (string) $percent ); ?>%"></span></div>
	<?php
	$missing = 'spend' === $next['threshold_kind']
		? Format::money( (int) $next['missing'], $exponent, $currency, $locale )
		: Format::points( (int) $next['missing'], $locale );
	if ( ! empty( $next['by'] ) ) {
		$text = 'spend' === $next['threshold_kind']
			/* translators: 1: money amount, 2: tier name, 3: date */
			? sprintf( __( 'Spend %1$s more by %3$s to reach %2$s.', 'vafa' ), $missing, $next_name, Format::date( Format::unix( (string) $next['by'] ), $locale ) )
			/* translators: 1: points, 2: tier name, 3: date */
			: sprintf( __( 'Earn %1$s more points by %3$s to reach %2$s.', 'vafa' ), $missing, $next_name, Format::date( Format::unix( (string) $next['by'] ), $locale ) );
	} else {
		$text = 'spend' === $next['threshold_kind']
			/* translators: 1: money amount, 2: tier name */
			? sprintf( __( 'Spend %1$s more to reach %2$s.', 'vafa' ), $missing, $next_name )
			/* translators: 1: points, 2: tier name */
			: sprintf( __( 'Earn %1$s more points to reach %2$s.', 'vafa' ), $missing, $next_name );
	}
	?>
<p class="vafa-tier-next" data-missing="<?php echo esc_attr( (string) (int) $next['missing'] ); ?>"><?php echo esc_html( $text ); ?></p>
<?php endif; ?>
</div>
