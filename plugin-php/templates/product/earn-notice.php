<?php
/**
 * "Earn N points" on a product page.
 *
 * Override by copying to yourtheme/vafa/product/earn-notice.php.
 *
 * @package Vafa
 *
 * @var int $points Points the product earns.
 */

use Vafa\Format;

defined( 'ABSPATH' ) || exit;
/* translators: %s: number of points */
?>
<p class="vafa vafa-earn"><?php echo esc_html( sprintf( _n( 'Earn %s point', 'Earn %s points', $points, 'vafa' ), Format::points( $points, determine_locale() ) ) ); ?></p>
