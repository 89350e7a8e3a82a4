<?php
/**
 * "Earn N points" on a product page.
 *
 * Override by copying to yourtheme/vafa/product/earn-notice.php.
 *
 * @package Vafa
 *
 * @var int    $points   Points the product earns.
 * @var string $cashback The share of the price that comes back as the points' value, in percent ('' for none).
 */

use Vafa\Format;

defined( 'ABSPATH' ) || exit;
/* translators: %s: number of points */
?>
<p class="vafa vafa-earn"><?php echo esc_html( sprintf( _n( 'Earn %s point', 'Earn %s points', $points, 'vafa' ), Format::points( $points, determine_locale() ) ) ); ?>
<?php if ( ! empty( $cashback ) ) : ?>
	<?php /* translators: %s: percent of the price that comes back as points, e.g. 5 */ ?>
<span class="vafa-cashback"><?php echo esc_html( sprintf( __( '(%s%% back in points)', 'vafa' ), \Vafa\Format::decimal( (string) $cashback, determine_locale() ) ) ); ?></span>
<?php endif; ?></p>
