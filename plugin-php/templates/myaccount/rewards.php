<?php
/**
 * My Account > Rewards: the balance and the activity.
 *
 * Override by copying to yourtheme/vafa/myaccount/rewards.php.
 *
 * @package Vafa
 *
 * @var string $balance_html  The balance box (storefront/balance.php), escaped.
 * @var string $tier_html     The VIP tier, perks and progress (tier/status.php), escaped; '' without tiers.
 * @var string $activity_html The activity list (storefront/activity.php), escaped.
 * @var string $rewards_html  The Redeem form and issued rewards (cart/redeem.php, myaccount/redemptions.php), escaped.
 * @var string $referral_html The referral link, share buttons and results (myaccount/referral.php), escaped; '' without a program.
 */

defined( 'ABSPATH' ) || exit;

echo $balance_html; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- rendered by escaping templates.
echo $tier_html ?? ''; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- rendered by escaping templates.
echo $rewards_html ?? ''; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- rendered by escaping templates.
echo $referral_html ?? ''; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- rendered by escaping templates.
?>
<h3><?php esc_html_e( 'Recent activity', 'vafa' ); ?></h3>
<?php
echo $activity_html; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- rendered by escaping templates.
