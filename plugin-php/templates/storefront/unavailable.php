<?php
/**
 * Shown instead of figures when the service cannot answer and none are known.
 *
 * Override by copying to yourtheme/vafa/storefront/unavailable.php.
 *
 * @package Vafa
 */

defined( 'ABSPATH' ) || exit;
?>
<div class="vafa vafa-unavailable"><?php esc_html_e( 'Rewards are temporarily unavailable.', 'vafa' ); ?></div>
