<?php
/**
 * The shopper's points: available, their value, pending, lifetime.
 *
 * Override by copying to yourtheme/vafa/storefront/balance.php.
 *
 * @package Vafa
 *
 * @var array<string,mixed> $me     The service's /v1/me answer (stale_since set when it is the last known one).
 * @var string              $locale The shopper's locale.
 */

use Vafa\Format;

defined( 'ABSPATH' ) || exit;
?>
<div class="vafa vafa-balance" dir="<?php echo Format::is_rtl( $locale ) ? 'rtl' : 'ltr'; ?>"><p class="vafa-available"><span class="vafa-label"><?php esc_html_e( 'Your points', 'vafa' ); ?></span> <strong class="vafa-points" data-points="<?php echo esc_attr( (string) (int) $me['available'] ); ?>"><?php echo esc_html( Format::points( (int) $me['available'], $locale ) ); ?></strong></p>
<?php if ( isset( $me['available_value_minor'], $me['currency'], $me['currency_exponent'] ) && (int) $me['available'] > 0 ) : ?>
	<?php /* translators: %s: money value of the points, e.g. 4.50 USD */ ?>
<p class="vafa-value"><?php echo esc_html( sprintf( __( 'Worth %s', 'vafa' ), Format::money( (int) $me['available_value_minor'], (int) $me['currency_exponent'], (string) $me['currency'], $locale ) ) ); ?></p>
<?php endif; ?>
<?php if ( (int) $me['available'] < 0 ) : ?>
<p class="vafa-negative"><?php esc_html_e( 'Your balance is negative because points you spent were taken back by a refund. New orders will bring it back up.', 'vafa' ); ?></p>
<?php endif; ?>
<?php if ( ! empty( $me['pending'] ) ) : ?>
	<?php /* translators: %s: number of points waiting for the return window to pass */ ?>
<p class="vafa-pending"><?php echo esc_html( sprintf( __( '%s points pending (they become available when the return period ends)', 'vafa' ), Format::points( (int) $me['pending'], $locale ) ) ); ?></p>
<?php endif; ?>
<?php if ( ! empty( $me['expiring']['points'] ) && ! empty( $me['expiring']['at'] ) ) : ?>
	<?php /* translators: 1: points, 2: date */ ?>
<p class="vafa-expiring" data-points="<?php echo esc_attr( (string) (int) $me['expiring']['points'] ); ?>"><?php echo esc_html( sprintf( __( '%1$s points expire on %2$s. Use them before then.', 'vafa' ), Format::points( (int) $me['expiring']['points'], $locale ), Format::date( Format::unix( (string) $me['expiring']['at'] ), $locale ) ) ); ?></p>
<?php endif; ?>
<?php /* translators: %s: lifetime points */ ?>
<p class="vafa-lifetime"><?php echo esc_html( sprintf( __( 'Lifetime points: %s', 'vafa' ), Format::points( (int) ( $me['lifetime'] ?? 0 ), $locale ) ) ); ?></p>
<?php if ( ! empty( $me['stale_since'] ) ) : ?>
	<?php /* translators: %s: date and time the figures were last updated */ ?>
<p class="vafa-stale"><?php echo esc_html( sprintf( __( 'Rewards are temporarily unavailable; figures as of %s.', 'vafa' ), Format::date( (int) $me['stale_since'], $locale, true ) ) ); ?></p>
<?php endif; ?>
</div>
