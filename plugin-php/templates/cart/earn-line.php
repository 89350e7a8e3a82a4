<?php
/**
 * "You will earn N points" under the block cart and checkout.
 *
 * Override by copying to yourtheme/vafa/cart/earn-line.php.
 *
 * @package Vafa
 *
 * @var int    $points Points the cart earns.
 * @var string $text   The sentence, translated.
 */

defined( 'ABSPATH' ) || exit;
?>
<p class="vafa vafa-earn"><?php echo esc_html( $text ); ?></p>
