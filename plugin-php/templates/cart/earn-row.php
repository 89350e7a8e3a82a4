<?php
/**
 * "You will earn N points" as a totals row in the classic cart and checkout.
 *
 * Override by copying to yourtheme/vafa/cart/earn-row.php.
 *
 * @package Vafa
 *
 * @var int    $points Points the cart earns.
 * @var string $text   The sentence, translated.
 */

defined( 'ABSPATH' ) || exit;
?>
<tr class="vafa vafa-earn"><th><?php esc_html_e( 'Rewards', 'vafa' ); ?></th><td><?php echo esc_html( $text ); ?></td></tr>
