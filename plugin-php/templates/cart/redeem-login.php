<?php
/**
 * Shown to guests where shoppers redeem points.
 *
 * Override by copying to yourtheme/vafa/cart/redeem-login.php.
 *
 * @package Vafa
 */

defined( 'ABSPATH' ) || exit;
?>
<div class="vafa vafa-redeem vafa-login"><?php esc_html_e( 'Log in to use your points.', 'vafa' ); ?></div>
